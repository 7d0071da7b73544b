// Typed calls, one per backend command. Views import from here, never from @tauri-apps/api.
import { ipc } from './client';
import type { ActorId } from './bindings/ActorId';
import type { ActorView } from './bindings/ActorView';
import type { AppInfo } from './bindings/AppInfo';
import type { AuditEventView } from './bindings/AuditEventView';
import type { AuditQuery } from './bindings/AuditQuery';
import type { ObjectsReportView } from './bindings/ObjectsReportView';
import type { BackupSummary } from './bindings/BackupSummary';
import type { ChainReport } from './bindings/ChainReport';
import type { DoctorReport } from './bindings/DoctorReport';
import type { InitRequest } from './bindings/InitRequest';
import type { InitResult } from './bindings/InitResult';
import type { JobProgress } from './bindings/JobProgress';
import type { ContactView } from './bindings/ContactView';
import type { CountsView } from './bindings/CountsView';
import type { CustomerPage } from './bindings/CustomerPage';
import type { CustomerQuery } from './bindings/CustomerQuery';
import type { ImportReport } from './bindings/ImportReport';
import type { NewActor } from './bindings/NewActor';
import type { NewEvent } from './bindings/NewEvent';
import type { Obligation } from './bindings/Obligation';
import type { ObligationsView } from './bindings/ObligationsView';
import type { PackView } from './bindings/PackView';
import type { ProviderView } from './bindings/ProviderView';
import type { RotateResult } from './bindings/RotateResult';
import type { UnlockRequest } from './bindings/UnlockRequest';
import type { WorkspaceSettings } from './bindings/WorkspaceSettings';
import type { WorkspaceStatus } from './bindings/WorkspaceStatus';
import type { CheckRequest } from './bindings/CheckRequest';
import type { DecisionRequest } from './bindings/DecisionRequest';
import type { DeterminationRequest } from './bindings/DeterminationRequest';
import type { Element } from './bindings/Element';
import type { QueueHealth } from './bindings/QueueHealth';
import type { QueuePage } from './bindings/QueuePage';
import type { QueueShow } from './bindings/QueueShow';
import type { ReviewView } from './bindings/ReviewView';
import type { SecondReview } from './bindings/SecondReview';
import type { RetentionView } from './bindings/RetentionView';
import type { CloseAccount } from './bindings/CloseAccount';
import type { NewReseller } from './bindings/NewReseller';
import type { ResellerContact } from './bindings/ResellerContact';
import type { ResellerView } from './bindings/ResellerView';
import type { StatusChange } from './bindings/StatusChange';
import type { Finding } from './bindings/Finding';
import type { CipOverview } from './bindings/CipOverview';
import type { CipVersionView } from './bindings/CipVersionView';
import type { CipVersionSummary } from './bindings/CipVersionSummary';
import type { CipDraftSave } from './bindings/CipDraftSave';
import type { CipApproval } from './bindings/CipApproval';
import type { SectionDiff } from './bindings/SectionDiff';
import type { AttestationMatrix } from './bindings/AttestationMatrix';
import type { AttestationReturn } from './bindings/AttestationReturn';
import type { AttestationView } from './bindings/AttestationView';
import type { CipOnFileForm } from './bindings/CipOnFileForm';
import type { CipRequestView } from './bindings/CipRequestView';
import type { CountsImport } from './bindings/CountsImport';
import type { Delivery } from './bindings/Delivery';
import type { NewNote } from './bindings/NewNote';
import type { ResellerDetail } from './bindings/ResellerDetail';
import type { DraftRequest } from './bindings/DraftRequest';
import type { FiledForm } from './bindings/FiledForm';
import type { FilingDetail } from './bindings/FilingDetail';
import type { FilingView } from './bindings/FilingView';

export { IpcError, toIpcError } from './client';
export type {
	CipOverview,
	CipVersionView,
	CipVersionSummary,
	SectionDiff,
	ActorId,
	ActorView,
	AppInfo,
	AuditEventView,
	AuditQuery,
	BackupSummary,
	ChainReport,
	ObjectsReportView,
	DoctorReport,
	InitRequest,
	InitResult,
	JobProgress,
	ContactView,
	CountsView,
	CustomerPage,
	CustomerQuery,
	ImportReport,
	NewActor,
	NewEvent,
	Obligation,
	ObligationsView,
	PackView,
	ProviderView,
	RotateResult,
	UnlockRequest,
	WorkspaceSettings,
	WorkspaceStatus
};
export type { ChainBreak } from './bindings/ChainBreak';
export type { Check } from './bindings/Check';
export type { CheckStatus } from './bindings/CheckStatus';
export type { ErrorCode } from './bindings/ErrorCode';
export type { KeyringInfo } from './bindings/KeyringInfo';
export type { Role } from './bindings/Role';
export type { CustomerListRow } from './bindings/CustomerListRow';
export type { RowError } from './bindings/RowError';
export type { KindCount } from './bindings/KindCount';
export type { ObligationKind } from './bindings/ObligationKind';
export type { Status as ObligationStatus } from './bindings/Status';
export type {
	CheckRequest,
	DecisionRequest,
	DeterminationRequest,
	Element,
	QueueHealth,
	QueuePage,
	QueueShow,
	ReviewView,
	SecondReview
};
export type { DecisionKind } from './bindings/DecisionKind';
export type { DecisionView } from './bindings/DecisionView';
export type { ElementRow } from './bindings/ElementRow';
export type { EvidenceView } from './bindings/EvidenceView';
export type { Method } from './bindings/Method';
export type { Outcome } from './bindings/Outcome';
export type { QueueListRow } from './bindings/QueueListRow';
export type { RefusalReason } from './bindings/RefusalReason';
export type { NoticeView } from './bindings/NoticeView';
export type {
	RetentionView,
	CloseAccount,
	NewReseller,
	ResellerContact,
	ResellerView,
	StatusChange
};
export type { ResellerStatus } from './bindings/ResellerStatus';
export type { PurgeCandidate } from './bindings/PurgeCandidate';
export type {
	AttestationMatrix,
	AttestationReturn,
	AttestationView,
	CipOnFileForm,
	CipRequestView,
	CountsImport,
	Delivery,
	NewNote,
	ResellerDetail
};
export type { CellStatus } from './bindings/CellStatus';
export type { DraftRequest, FiledForm, FilingDetail, FilingView };
export type { FilingBlock } from './bindings/FilingBlock';
export type { FilingKind } from './bindings/FilingKind';
export type { FilingState } from './bindings/FilingState';
export type { PageSize } from './bindings/PageSize';
export type { NoteKind } from './bindings/NoteKind';
export type { ResellerCipView } from './bindings/ResellerCipView';
export type { ManifestPart } from './bindings/ManifestPart';

/** Facts for the About view (versions, credential store, workspace folder). */
export const appInfo = () => ipc.call<AppInfo>('app_info');
/** Every doctor check. */
export const appDoctor = () => ipc.call<DoctorReport>('app_doctor');

/** Whether a workspace exists, is unlocked, and who is acting (not activity). */
export const workspaceStatus = () => ipc.call<WorkspaceStatus>('workspace_status');
/** First run: creates the workspace; the recovery code comes back once. */
export const workspaceInit = (request: InitRequest) =>
	ipc.call<InitResult>('workspace_init', { request });
export const workspaceUnlock = (request: UnlockRequest) =>
	ipc.call<WorkspaceStatus>('workspace_unlock', { request });
export const workspaceLock = () => ipc.call<boolean>('workspace_lock');
/** User activity; returns seconds until the idle lock. */
export const workspaceTouch = () => ipc.call<number>('workspace_touch');
/** Opens a native save dialog and writes the recovery-code sheet; false if cancelled. */
export const workspaceSaveRecoverySheet = (code: string) =>
	ipc.call<boolean>('workspace_save_recovery_sheet', { code });
/** Native save dialog, then a verified backup; null if cancelled. Poll `jobProgress`. */
export const workspaceBackup = () => ipc.call<BackupSummary | null>('workspace_backup');
/** Native open dialog, then restore into the (empty) workspace folder; null if cancelled. */
export const workspaceRestore = (request: UnlockRequest) =>
	ipc.call<WorkspaceStatus | null>('workspace_restore', { request });
/** The long job running (backup, restore), if any. */
export const jobProgress = () => ipc.call<JobProgress | null>('job_progress');
/** Asks the running job to stop (an import keeps nothing); false when none can be stopped. */
export const jobCancel = () => ipc.call<boolean>('job_cancel');
export const workspaceChangePassphrase = (newPassphrase: string) =>
	ipc.call<null>('workspace_change_passphrase', { newPassphrase });
export const workspaceKeyringEnable = () => ipc.call<null>('workspace_keyring_enable');
/** Re-encrypts under a new data key (confirmed by the passphrase); a new recovery code comes back. */
export const workspaceRotateKey = (passphrase: string) =>
	ipc.call<RotateResult>('workspace_rotate_key', { passphrase });

export const actorList = () => ipc.call<ActorView[]>('actor_list');
export const actorCreate = (actor: NewActor) => ipc.call<ActorView>('actor_create', { actor });
export const actorResetPassphrase = (id: ActorId, newPassphrase: string) =>
	ipc.call<null>('actor_reset_passphrase', { id, newPassphrase });
export const actorSwitch = (id: ActorId, passphrase: string) =>
	ipc.call<ActorView>('actor_switch', { id, passphrase });

export const auditList = (query: AuditQuery) => ipc.call<AuditEventView[]>('audit_list', { query });
export const auditVerify = () => ipc.call<ChainReport>('audit_verify');
export const auditVerifyObjects = () => ipc.call<ObjectsReportView>('audit_verify_objects');

export const settingsGet = () => ipc.call<WorkspaceSettings>('settings_get');
export const settingsUpdate = (settings: WorkspaceSettings) =>
	ipc.call<WorkspaceSettings>('settings_update', { settings });

/** Every rule pack, built-in first; the active one marked. */
export const rulesList = () => ipc.call<PackView[]>('rules_list');
/** Native open dialog, then validate and store a pack; null if cancelled. */
export const rulesImport = () => ipc.call<PackView | null>('rules_import');
export const rulesActivate = (sha256: string) => ipc.call<null>('rules_activate', { sha256 });

export const providerGet = () => ipc.call<ProviderView>('provider_get');
export const providerUpdate = (profile: ProviderView) =>
	ipc.call<ProviderView>('provider_update', { profile });
/** A new primary CIP contact; replacing one raises an R14 notice. */
export const providerContactChange = (contact: ContactView) =>
	ipc.call<ProviderView>('provider_contact_change', { contact });

/** Records an event; returns the obligations it raised. */
export const eventRecord = (event: NewEvent) => ipc.call<Obligation[]>('event_record', { event });
export const obligationsList = () => ipc.call<ObligationsView>('obligations_list');
export const obligationMeet = (key: string, reference: string) =>
	ipc.call<null>('obligation_meet', { key, reference });
/** Native save dialog, then the .ics file; false if cancelled. */
export const obligationsExportIcs = () => ipc.call<boolean>('obligations_export_ics');

/** A page of customers (search, country, sort and paging happen in the backend). */
export const customersList = (query: CustomerQuery) =>
	ipc.call<CustomerPage>('customers_list', { query });
/** Native open dialog, then a dry run of the file; null if cancelled. */
export const customersImportCheck = () => ipc.call<ImportReport | null>('customers_import_check');
/** Stores the checked file, all or nothing. */
export const customersImportCommit = () => ipc.call<ImportReport>('customers_import_commit');
/** The certification counts (R12, R13) for a calendar year. */
export const customersCounts = (year: number) => ipc.call<CountsView>('customers_counts', { year });

/** A page of the verification queue in working order, with its health. */
export const queueList = (show: QueueShow, limit: number, offset: number) =>
	ipc.call<QueuePage>('queue_list', { show, limit, offset });
export const queueHealth = () => ipc.call<QueueHealth>('queue_health');
/** Opens items for new customers and for re-verifications falling due (R8). */
export const queueRefresh = () => ipc.call<number>('queue_refresh');
/** Takes (locks) the next item; null when the queue is empty. */
export const queueNext = () => ipc.call<ReviewView | null>('queue_next');
export const queueTake = (customerRef: string) =>
	ipc.call<ReviewView>('queue_take', { customerRef });
/** Officers: assign items to a reviewer (null unassigns). */
export const queueAssign = (customerRefs: string[], to: string | null) =>
	ipc.call<number>('queue_assign', { customerRefs, to });
export const reviewGet = (customerRef: string) =>
	ipc.call<ReviewView>('review_get', { customerRef });
export const reviewCheck = (request: CheckRequest) =>
	ipc.call<ReviewView>('review_check', { request });
export const reviewDecide = (request: DecisionRequest) =>
	ipc.call<ReviewView>('review_decide', { request });
/** Four eyes: the second reviewer confirms or declines a refusal with their passphrase. */
export const reviewSecond = (request: SecondReview) =>
	ipc.call<ReviewView>('review_second', { request });
export const reviewUsPerson = (request: DeterminationRequest) =>
	ipc.call<ReviewView>('review_us_person', { request });
/** Native open dialog, then the file is encrypted into the vault; null if cancelled. */
export const evidenceAttach = (customerRef: string, element: Element | null) =>
	ipc.call<ReviewView | null>('evidence_attach', { customerRef, element });
/** A file's bytes, decrypted in the backend and sent as raw bytes (kept in memory only). */
export const evidenceContent = (customerRef: string, evidenceId: string) =>
	ipc.call<ArrayBuffer>('evidence_content', { customerRef, evidenceId });
/** Native save dialog, then a decrypted copy of a customer's file; false if cancelled. */
export const evidenceSave = (customerRef: string, evidenceId: string, suggestedName: string) =>
	ipc.call<boolean>('evidence_save', { customerRef, evidenceId, suggestedName });
/** Issues the pack's notice (R9): rendered, kept in the vault as proof, recorded. */
export const noticeIssue = (customerRef: string) =>
	ipc.call<ReviewView>('notice_issue', { customerRef });
/** Records when a notice was sent and/or acknowledged (YYYY-MM-DD). */
export const noticeMark = (
	customerRef: string,
	noticeId: string,
	sentOn: string | null,
	acknowledgedOn: string | null
) => ipc.call<ReviewView>('notice_mark', { customerRef, noticeId, sentOn, acknowledgedOn });
/** Customers past record retention (R10). */
export const retentionList = () => ipc.call<RetentionView>('retention_list');
/** Officers: purge customers past retention, confirmed by passphrase; all or none. */
export const retentionPurge = (customerRefs: string[], passphrase: string) =>
	ipc.call<number>('retention_purge', { customerRefs, passphrase });
/** Closes an account; its retention clock (R10) starts. */
export const accountClose = (request: CloseAccount) => ipc.call<null>('account_close', { request });
/** Native save dialog, then the customer's file as PDF + JSON (beside it); null if cancelled. */
export const customerExport = (customerRef: string) =>
	ipc.call<string | null>('customer_export', { customerRef });
/** Attaches the files last dropped on the window (the backend holds their paths). */
export const evidenceAttachDropped = (customerRef: string, element: Element | null) =>
	ipc.call<ReviewView>('evidence_attach_dropped', { customerRef, element });
/** The reseller register. */
export const resellerList = () => ipc.call<ResellerView[]>('reseller_list');
/** Officers: register a reseller. */
export const resellerAdd = (reseller: NewReseller) => ipc.call<null>('reseller_add', { reseller });
/** A reseller's new primary CIP contact (raises the R14 notice). */
export const resellerContactChange = (resellerRef: string, contact: ResellerContact) =>
	ipc.call<null>('reseller_contact_change', { resellerRef, contact });
/** Officers: set a reseller's status; under remediation or terminated closes the supply gate. */
export const resellerSetStatus = (change: StatusChange) =>
	ipc.call<null>('reseller_set_status', { change });
/** Officers: a reseller does not comply (R19) — under remediation, termination deadline starts. */
export const resellerFinding = (finding: Finding) =>
	ipc.call<null>('reseller_finding', { finding });
/** The written CIP (R1): versions, topics, four eyes. */
export const cipOverview = () => ipc.call<CipOverview>('cip_overview');
/** One CIP version with its text. */
export const cipVersionGet = (number: number) =>
	ipc.call<CipVersionView>('cip_version_get', { number });
/** Officers: begin a draft (from the newest approved version unless `from`); returns its number. */
export const cipDraftBegin = (from: number | null) => ipc.call<number>('cip_draft_begin', { from });
/** Officers: save a draft's changed sections and notes; returns the new text hash. */
export const cipDraftSave = (save: CipDraftSave) => ipc.call<string>('cip_draft_save', { save });
/** Markdown as safe HTML (nothing in it can run or load). */
export const cipPreview = (markdown: string) => ipc.call<string>('cip_preview', { markdown });
/** Officers: approve a draft (four eyes when on). */
export const cipApprove = (approval: CipApproval) =>
	ipc.call<CipVersionSummary>('cip_approve', { approval });
/** Officers: discard a draft. */
export const cipDiscard = (number: number) => ipc.call<null>('cip_discard', { number });
/** The difference between two versions, section by section. */
export const cipDiff = (old: number, next: number) =>
	ipc.call<SectionDiff[]>('cip_diff', { old, new: next });
/** A version's PDF, as bytes for the in-window viewer. */
export const cipPdf = (number: number) => ipc.call<ArrayBuffer>('cip_pdf', { number });
/** Native save dialog, then the version's PDF; false if cancelled. */
export const cipSavePdf = (number: number) => ipc.call<boolean>('cip_save_pdf', { number });
/** One reseller with its CIPs on file, compliance notes and attestations. */
export const resellerDetail = (resellerRef: string) =>
	ipc.call<ResellerDetail>('reseller_detail', { resellerRef });
/** Officers: a note on a reseller's compliance (R19); a termination note ends the relationship. */
export const resellerNoteAdd = (note: NewNote) => ipc.call<null>('reseller_note_add', { note });
/** Officers: native dialog, then the PDF goes on file as the reseller's CIP (R17); null if cancelled. */
export const resellerCipUpload = (form: CipOnFileForm) =>
	ipc.call<ResellerDetail | null>('reseller_cip_upload', { form });
/** Officers: the reseller adopted an approved provider version by agreement (R17). */
export const resellerCipAdopt = (form: CipOnFileForm) =>
	ipc.call<ResellerDetail>('reseller_cip_adopt', { form });
/** A reseller's CIP as PDF bytes for the in-window viewer. */
export const resellerCipContent = (resellerRef: string, seq: number) =>
	ipc.call<ArrayBuffer>('reseller_cip_content', { resellerRef, seq });
/** Resellers × years: where each attestation stands (R18). */
export const attestationMatrix = () => ipc.call<AttestationMatrix>('attestation_matrix');
/** Officers: makes (and records) the attestation request PDF; its bytes. */
export const attestationRequestContent = (resellerRef: string, period: number) =>
	ipc.call<ArrayBuffer>('attestation_request_content', { resellerRef, period });
/** Officers: native save dialog, then the request PDF; false if cancelled. */
export const attestationRequestSave = (resellerRef: string, period: number) =>
	ipc.call<boolean>('attestation_request_save', { resellerRef, period });
/** Officers: records a signed return (with `scan`, a dialog picks the scanned return first). */
export const attestationReturn = (ret: AttestationReturn, scan: boolean) =>
	ipc.call<AttestationView[] | null>('attestation_return', { ret, scan });
/** Officers: native dialog, then the counts CSV is checked (nothing recorded); null if cancelled. */
export const attestationImportCheck = () =>
	ipc.call<CountsImport | null>('attestation_import_check');
/** Officers: records the checked counts file, all or nothing. */
export const attestationImportCommit = () => ipc.call<CountsImport>('attestation_import_commit');
/** Requests from Commerce for the CIPs (R15), newest first. */
export const cipRequestList = () => ipc.call<CipRequestView[]>('cip_request_list');
/** Officers: assembles the request's packet from what is on file now. */
export const cipPacketAssemble = (id: string) =>
	ipc.call<CipRequestView>('cip_packet_assemble', { id });
/** The assembled packet's bytes for the in-window viewer. */
export const cipPacketContent = (id: string) => ipc.call<ArrayBuffer>('cip_packet_content', { id });
/** Native save dialog, then the packet; false if cancelled. */
export const cipPacketSave = (id: string) => ipc.call<boolean>('cip_packet_save', { id });
/** Officers: the packet went out; meets the R15 obligation. */
export const cipRequestDeliver = (delivery: Delivery) =>
	ipc.call<CipRequestView>('cip_request_deliver', { delivery });
/** The filing register (R12–R14), newest first. */
export const filingList = () => ipc.call<FilingView[]>('filing_list');
/** One filing with the content its PDF shows. */
export const filingGet = (id: string) => ipc.call<FilingDetail>('filing_get', { id });
/** Officers: draft a filing from the records now (snapshot frozen, checkpoint taken). */
export const filingDraft = (request: DraftRequest) =>
	ipc.call<FilingView>('filing_draft', { request });
/** Officers: approve a draft (four eyes when on). */
export const filingApprove = (id: string) => ipc.call<FilingView>('filing_approve', { id });
/** Officers: an approved filing was filed; meets its obligation. */
export const filingMarkFiled = (form: FiledForm) =>
	ipc.call<FilingView>('filing_mark_filed', { form });
/** The filing's PDF bytes for the in-window viewer. */
export const filingPdf = (id: string) => ipc.call<ArrayBuffer>('filing_pdf', { id });
/** Native save dialog; with `open`, the saved PDF then opens in the system viewer. */
export const filingSave = (id: string, open: boolean) =>
	ipc.call<boolean>('filing_save', { id, open });
/** Officers: native dialog, then the agency's acknowledgement is kept; null if cancelled. */
export const filingAttachAck = (id: string) =>
	ipc.call<FilingView | null>('filing_attach_ack', { id });
