// Generated from the command! items in src-tauri/src/commands/ by `cargo test`. Do not edit.
// One typed call per backend command: a renamed argument or result is a type error.
import { ipc } from '../client';
import type { ActorId } from './ActorId';
import type { ActorView } from './ActorView';
import type { AdpAnswerForm } from './AdpAnswerForm';
import type { AdpView } from './AdpView';
import type { AiArrangementInput } from './AiArrangementInput';
import type { AiCaseDetail } from './AiCaseDetail';
import type { AiNewCase } from './AiNewCase';
import type { AiOverview } from './AiOverview';
import type { AiResellerReportForm } from './AiResellerReportForm';
import type { AiTransmittal } from './AiTransmittal';
import type { AiUsageEvaluation } from './AiUsageEvaluation';
import type { AiUsageImportReport } from './AiUsageImportReport';
import type { AiUsageLine } from './AiUsageLine';
import type { AiVersionView } from './AiVersionView';
import type { AppInfo } from './AppInfo';
import type { AppealOutcome } from './AppealOutcome';
import type { AppealRequest } from './AppealRequest';
import type { AppealView } from './AppealView';
import type { AssessmentInput } from './AssessmentInput';
import type { AssessmentView } from './AssessmentView';
import type { AssessmentsView } from './AssessmentsView';
import type { AttestationMatrix } from './AttestationMatrix';
import type { AttestationReturn } from './AttestationReturn';
import type { AttestationView } from './AttestationView';
import type { AuditEventView } from './AuditEventView';
import type { AuditQuery } from './AuditQuery';
import type { BackupSummary } from './BackupSummary';
import type { ChainReport } from './ChainReport';
import type { CheckRequest } from './CheckRequest';
import type { CipApproval } from './CipApproval';
import type { CipDraftSave } from './CipDraftSave';
import type { CipOnFileForm } from './CipOnFileForm';
import type { CipOverview } from './CipOverview';
import type { CipRequestView } from './CipRequestView';
import type { CipVersionSummary } from './CipVersionSummary';
import type { CipVersionView } from './CipVersionView';
import type { CloseAccount } from './CloseAccount';
import type { ConditionView } from './ConditionView';
import type { ContactView } from './ContactView';
import type { CountsImport } from './CountsImport';
import type { CountsView } from './CountsView';
import type { CustomerPage } from './CustomerPage';
import type { CustomerQuery } from './CustomerQuery';
import type { DecisionRequest } from './DecisionRequest';
import type { Delivery } from './Delivery';
import type { DeterminationRequest } from './DeterminationRequest';
import type { DoctorReport } from './DoctorReport';
import type { DraftRequest } from './DraftRequest';
import type { Element } from './Element';
import type { ExemptionEndInput } from './ExemptionEndInput';
import type { ExemptionInput } from './ExemptionInput';
import type { ExemptionView } from './ExemptionView';
import type { ExportFormat } from './ExportFormat';
import type { ExportSummary } from './ExportSummary';
import type { Extension } from './Extension';
import type { FiledForm } from './FiledForm';
import type { FilingDetail } from './FilingDetail';
import type { FilingView } from './FilingView';
import type { Finding } from './Finding';
import type { HitDecision } from './HitDecision';
import type { HitView } from './HitView';
import type { ImportReport } from './ImportReport';
import type { InitRequest } from './InitRequest';
import type { InitResult } from './InitResult';
import type { IpdbView } from './IpdbView';
import type { JobProgress } from './JobProgress';
import type { ListImported } from './ListImported';
import type { ListVersionView } from './ListVersionView';
import type { MeasureView } from './MeasureView';
import type { NewActor } from './NewActor';
import type { NewEvent } from './NewEvent';
import type { NewMeasure } from './NewMeasure';
import type { NewNote } from './NewNote';
import type { NewReseller } from './NewReseller';
import type { ObjectsReportView } from './ObjectsReportView';
import type { Obligation } from './Obligation';
import type { ObligationsView } from './ObligationsView';
import type { OwnerCheckRequest } from './OwnerCheckRequest';
import type { OwnersImportReport } from './OwnersImportReport';
import type { PackView } from './PackView';
import type { ProviderView } from './ProviderView';
import type { QueueHealth } from './QueueHealth';
import type { QueuePage } from './QueuePage';
import type { QueueShow } from './QueueShow';
import type { ResellerContact } from './ResellerContact';
import type { ResellerDetail } from './ResellerDetail';
import type { ResellerView } from './ResellerView';
import type { RetentionView } from './RetentionView';
import type { ReviewView } from './ReviewView';
import type { RotateResult } from './RotateResult';
import type { RunSummary } from './RunSummary';
import type { ScreeningOverview } from './ScreeningOverview';
import type { ScreeningQuery } from './ScreeningQuery';
import type { ScreeningResult } from './ScreeningResult';
import type { SecondReview } from './SecondReview';
import type { SectionDiff } from './SectionDiff';
import type { StatusChange } from './StatusChange';
import type { TermsRequest } from './TermsRequest';
import type { TermsView } from './TermsView';
import type { UnlockRequest } from './UnlockRequest';
import type { WorkspaceSettings } from './WorkspaceSettings';
import type { WorkspaceStatus } from './WorkspaceStatus';

export const api = {
	app: {
		/** Facts for the About / Diagnostics view. */
		info: () => ipc.call<AppInfo>('app_info'),
		/** Every `doctor` check, for the Diagnostics view. */
		doctor: () => ipc.call<DoctorReport>('app_doctor'),
	},
	workspace: {
		/** Whether a workspace exists, is unlocked, and who is acting. */
		status: () => ipc.call<WorkspaceStatus>('workspace_status'),
		/** First run: create the workspace; returns the recovery code to show once. */
		init: (args: { request: InitRequest }) => ipc.call<InitResult>('workspace_init', args),
		/** Unlock as yourself: with the keyring, your passphrase or the recovery code. */
		unlock: (args: { request: UnlockRequest }) => ipc.call<WorkspaceStatus>('workspace_unlock', args),
		/** Lock now: the key is zeroized and the database closed. */
		lock: () => ipc.call<boolean>('workspace_lock'),
		/** User activity in the window; returns seconds until the idle lock. */
		touch: () => ipc.call<number>('workspace_touch'),
		/** Re-wrap the key under your new passphrase. */
		changePassphrase: (args: { newPassphrase: string }) => ipc.call<null>('workspace_change_passphrase', args),
		/** Replace the data key (re-encrypts the database; progress through `job_progress`); a new recovery code comes back. */
		rotateKey: (args: { passphrase: string }) => ipc.call<RotateResult>('workspace_rotate_key', args),
		/** Keep the acting person's key in this computer's credential store. */
		keyringEnable: () => ipc.call<null>('workspace_keyring_enable'),
		/** Asks where to save the recovery-code sheet and writes it. Null when cancelled. */
		saveRecoverySheet: (args: { code: string }) => ipc.call<boolean | null>('workspace_save_recovery_sheet', args),
		/** Asks where to save a backup and writes it, verified (progress through `job_progress`). Null when cancelled. */
		backup: () => ipc.call<BackupSummary | null>('workspace_backup'),
		/** First run on a new machine: pick a backup and restore it into this workspace folder, unlocking it with the passphrase or recovery code given. Null when cancelled. */
		restore: (args: { request: UnlockRequest }) => ipc.call<WorkspaceStatus | null>('workspace_restore', args),
	},
	job: {
		/** The long job running (import, backup, restore, rotation), if any, for the status bar. */
		progress: () => ipc.call<JobProgress | null>('job_progress'),
		/** Asks the running job to stop (an import keeps nothing); false when none can be stopped. */
		cancel: () => ipc.call<boolean>('job_cancel'),
	},
	actor: {
		/** Every active person. */
		list: () => ipc.call<Array<ActorView>>('actor_list'),
		/** Add a person (officers only), with their own key slot. */
		create: (args: { actor: NewActor }) => ipc.call<ActorView>('actor_create', args),
		/** Act as another person, proven by their passphrase. */
		switch: (args: { id: ActorId; passphrase: string }) => ipc.call<ActorView>('actor_switch', args),
		/** Set another person's passphrase (officers only). */
		resetPassphrase: (args: { id: ActorId; newPassphrase: string }) => ipc.call<null>('actor_reset_passphrase', args),
	},
	audit: {
		/** Audit events, newest first. */
		list: (args: { query: AuditQuery }) => ipc.call<Array<AuditEventView>>('audit_list', args),
		/** Verify the whole hash chain. */
		verify: () => ipc.call<ChainReport>('audit_verify'),
		/** Recompute every record's canonical digest and compare it with the chain (issue 14). */
		verifyObjects: () => ipc.call<ObjectsReportView>('audit_verify_objects'),
	},
	settings: {
		/** The workspace settings (idle lock, evidence size limit, four eyes). */
		get: () => ipc.call<WorkspaceSettings>('settings_get'),
		/** Save the workspace settings (officers only). */
		update: (args: { settings: WorkspaceSettings }) => ipc.call<WorkspaceSettings>('settings_update', args),
	},
	rules: {
		/** Every rule pack (built-in and imported), the active one marked. */
		list: () => ipc.call<Array<PackView>>('rules_list'),
		/** Pick a rule pack file, validate and store it (officers). Null when cancelled. */
		import: () => ipc.call<PackView | null>('rules_import'),
		/** Make a pack (by SHA-256) the active one. */
		activate: (args: { sha256: string }) => ipc.call<null>('rules_activate', args),
	},
	provider: {
		/** The provider profile and its contact history. */
		get: () => ipc.call<ProviderView>('provider_get'),
		/** Save the provider profile. */
		update: (args: { profile: ProviderView }) => ipc.call<ProviderView>('provider_update', args),
		/** A new primary CIP contact; replacing one raises an R14 notice. */
		contactChange: (args: { contact: ContactView }) => ipc.call<ProviderView>('provider_contact_change', args),
	},
	event: {
		/** Record an event (CIP copy request, business change); returns the obligations it raises. */
		record: (args: { event: NewEvent }) => ipc.call<Array<Obligation>>('event_record', args),
	},
	obligations: {
		/** Every obligation under the active pack, with counts and penalty exposure. */
		list: () => ipc.call<ObligationsView>('obligations_list'),
		/** Save the open obligations as an .ics file. Null when cancelled. */
		exportIcs: () => ipc.call<boolean | null>('obligations_export_ics'),
	},
	obligation: {
		/** Record that an obligation was met, and by what. */
		meet: (args: { key: string; reference: string }) => ipc.call<null>('obligation_meet', args),
	},
	customers: {
		/** A page of customers (search, country, sort and paging happen in the backend). */
		list: (args: { query: CustomerQuery }) => ipc.call<CustomerPage>('customers_list', args),
		/** Pick a customers CSV or workbook and check it without storing anything (dry run); the file is remembered for `customers_import_commit`. Null when cancelled. */
		importCheck: () => ipc.call<ImportReport | null>('customers_import_check'),
		/** Store the file checked by `customers_import_check`, all or nothing, as a job whose progress the status bar shows and which `job_cancel` stops (keeping nothing). */
		importCommit: () => ipc.call<ImportReport>('customers_import_commit'),
		/** The certification counts (R12, R13) for a calendar year. */
		counts: (args: { year: number }) => ipc.call<CountsView>('customers_counts', args),
		/** Pick an owners file (CSV or Excel) adding beneficial owners to existing customers and check it (dry run; says whose review it re-opens, R7). Null when cancelled. */
		ownersCheck: () => ipc.call<OwnersImportReport | null>('customers_owners_check'),
		/** Store the owners file checked by `customers_owners_check`, all or nothing; each customer with a new owner goes back to the verification queue (R7). */
		ownersCommit: () => ipc.call<OwnersImportReport>('customers_owners_commit'),
		/** Export the customers matching the list's search and country to a file chosen in the save dialog: CSV (the import's own columns), JSON (each whole file) or an Excel workbook; as a job whose progress the status bar shows and which `job_cancel` stops (writing nothing); audited. Null when the dialog is cancelled. */
		exportAll: (args: { query: CustomerQuery; format: ExportFormat }) => ipc.call<ExportSummary | null>('customers_export_all', args),
	},
	queue: {
		/** A page of the verification queue in working order, with its health. */
		list: (args: { show: QueueShow; limit: number; offset: number }) => ipc.call<QueuePage>('queue_list', args),
		/** Queue health alone (dashboard, navigation count). */
		health: () => ipc.call<QueueHealth>('queue_health'),
		/** Open items for new customers and for re-verifications falling due (R8). */
		refresh: () => ipc.call<number>('queue_refresh'),
		/** Take the next item (locks it to the acting reviewer). Null when the queue is empty. */
		next: () => ipc.call<ReviewView | null>('queue_next'),
		/** Take one chosen item. */
		take: (args: { customerRef: string }) => ipc.call<ReviewView>('queue_take', args),
		/** Assign items to a reviewer (null: unassign). Officers only. */
		assign: (args: { customerRefs: Array<string>; to: string | null }) => ipc.call<number>('queue_assign', args),
	},
	review: {
		/** One customer's review screen (does not take the item). */
		get: (args: { customerRef: string }) => ipc.call<ReviewView>('review_get', args),
		/** Record an element check (R4). */
		check: (args: { request: CheckRequest }) => ipc.call<ReviewView>('review_check', args),
		/** Record a check of one element of a beneficial owner (R5). */
		ownerCheck: (args: { request: OwnerCheckRequest }) => ipc.call<ReviewView>('review_owner_check', args),
		/** Approve, refuse or ask for more information on the held item. */
		decide: (args: { request: DecisionRequest }) => ipc.call<ReviewView>('review_decide', args),
		/** Four eyes: the second reviewer confirms or declines a refusal with their passphrase. */
		second: (args: { request: SecondReview }) => ipc.call<ReviewView>('review_second', args),
		/** Place a customer's pending accounts under the pack's restricted or monitored terms (R6). */
		terms: (args: { request: TermsRequest }) => ipc.call<TermsView>('review_terms', args),
		/** Record a refused customer's appeal (R6 redress). */
		appeal: (args: { request: AppealRequest }) => ipc.call<AppealView>('review_appeal', args),
		/** Review an appeal (a person who took no part in the refusal nor recorded the appeal). */
		appealDecide: (args: { id: string; outcome: AppealOutcome; note: string }) => ipc.call<AppealView>('review_appeal_decide', args),
		/** Record a U.S.-person determination (R3). */
		usPerson: (args: { request: DeterminationRequest }) => ipc.call<ReviewView>('review_us_person', args),
	},
	evidence: {
		/** Pick a file and attach it to a customer, encrypted into the vault. Null when cancelled. */
		attach: (args: { customerRef: string; element: Element | null }) => ipc.call<ReviewView | null>('evidence_attach', args),
		/** A file's bytes, decrypted in memory and sent to the window as raw bytes (no asset protocol, no temporary file). */
		content: (args: { customerRef: string; evidenceId: string }) => ipc.call<ArrayBuffer>('evidence_content', args),
		/** Save a decrypted copy of a customer's file (evidence or notice). Null when cancelled. */
		save: (args: { customerRef: string; evidenceId: string; suggestedName: string }) => ipc.call<boolean | null>('evidence_save', args),
		/** Attach the files last dropped on the window (the backend holds their paths; all are checked first). */
		attachDropped: (args: { customerRef: string; element: Element | null }) => ipc.call<ReviewView>('evidence_attach_dropped', args),
	},
	notice: {
		/** Issue the rule pack's notice (R9): rendered, kept in the vault as proof, recorded. */
		issue: (args: { customerRef: string }) => ipc.call<ReviewView>('notice_issue', args),
		/** Record when a notice was sent and/or acknowledged (YYYY-MM-DD). */
		mark: (args: { customerRef: string; noticeId: string; sentOn: string | null; acknowledgedOn: string | null }) => ipc.call<ReviewView>('notice_mark', args),
	},
	retention: {
		/** Customers past record retention (R10). */
		list: () => ipc.call<RetentionView>('retention_list'),
		/** Purge customers past retention (officers, confirmed by passphrase); all or none. */
		purge: (args: { customerRefs: Array<string>; passphrase: string }) => ipc.call<number>('retention_purge', args),
	},
	account: {
		/** Close an account; its retention clock (R10) starts. */
		close: (args: { request: CloseAccount }) => ipc.call<null>('account_close', args),
	},
	customer: {
		/** Export one customer's file: a PDF where the user chooses and the JSON beside it (same name, `.json`). Returns the PDF's path; null when cancelled. */
		export: (args: { customerRef: string }) => ipc.call<string | null>('customer_export', args),
	},
	reseller: {
		/** The reseller register. */
		list: () => ipc.call<Array<ResellerView>>('reseller_list'),
		/** Register a reseller (officers). */
		add: (args: { reseller: NewReseller }) => ipc.call<null>('reseller_add', args),
		/** A reseller's new primary CIP contact (raises the R14 notice). */
		contactChange: (args: { resellerRef: string; contact: ResellerContact }) => ipc.call<null>('reseller_contact_change', args),
		/** Set a reseller's status (officers); under remediation or terminated closes the supply gate. */
		setStatus: (args: { change: StatusChange }) => ipc.call<null>('reseller_set_status', args),
		/** Record that a reseller does not comply (R19): under remediation, termination deadline starts. */
		finding: (args: { finding: Finding }) => ipc.call<null>('reseller_finding', args),
		/** One reseller with its CIPs on file, compliance notes and attestations. */
		detail: (args: { resellerRef: string }) => ipc.call<ResellerDetail>('reseller_detail', args),
		/** Add a note to a reseller's compliance record (R19); a termination note ends the relationship. */
		noteAdd: (args: { note: NewNote }) => ipc.call<null>('reseller_note_add', args),
		/** Pick a reseller's CIP (PDF) and put it on file (R17). Null when cancelled. */
		cipUpload: (args: { form: CipOnFileForm }) => ipc.call<ResellerDetail | null>('reseller_cip_upload', args),
		/** Record that a reseller adopted an approved provider CIP version by agreement (R17). */
		cipAdopt: (args: { form: CipOnFileForm }) => ipc.call<ResellerDetail>('reseller_cip_adopt', args),
		/** A reseller's CIP as PDF bytes (decrypted in memory, or the adopted version rendered). */
		cipContent: (args: { resellerRef: string; seq: number }) => ipc.call<ArrayBuffer>('reseller_cip_content', args),
	},
	cip: {
		/** The written CIP: every version, the pack's topics, four eyes. */
		overview: () => ipc.call<CipOverview>('cip_overview'),
		/** One CIP version with its text. */
		versionGet: (args: { number: number }) => ipc.call<CipVersionView>('cip_version_get', args),
		/** Begin a draft from version `from` (default: the newest approved). Returns its number. */
		draftBegin: (args: { from: number | null }) => ipc.call<number>('cip_draft_begin', args),
		/** Save a draft's changed sections and notes. Returns the new text hash. */
		draftSave: (args: { save: CipDraftSave }) => ipc.call<string>('cip_draft_save', args),
		/** Markdown as safe HTML for the editor's preview (nothing in it can run or load). */
		preview: (args: { markdown: string }) => ipc.call<string>('cip_preview', args),
		/** Approve a draft (officers; four eyes when on). */
		approve: (args: { approval: CipApproval }) => ipc.call<CipVersionSummary>('cip_approve', args),
		/** Discard a draft. */
		discard: (args: { number: number }) => ipc.call<null>('cip_discard', args),
		/** The difference between two versions, section by section. */
		diff: (args: { old: number; new: number }) => ipc.call<Array<SectionDiff>>('cip_diff', args),
		/** A version's PDF bytes, for the in-window viewer. */
		pdf: (args: { number: number }) => ipc.call<ArrayBuffer>('cip_pdf', args),
		/** Save a version as a PDF. Null when cancelled. */
		savePdf: (args: { number: number }) => ipc.call<boolean | null>('cip_save_pdf', args),
		/** Every CIP request (R15) with its deadline, packet and delivery, newest first. */
		requestList: () => ipc.call<Array<CipRequestView>>('cip_request_list'),
		/** Assemble a request's packet from what is on file now (officers). */
		packetAssemble: (args: { id: string }) => ipc.call<CipRequestView>('cip_packet_assemble', args),
		/** The assembled packet's bytes for the in-window viewer. */
		packetContent: (args: { id: string }) => ipc.call<ArrayBuffer>('cip_packet_content', args),
		/** Save the assembled packet. Null when cancelled. */
		packetSave: (args: { id: string }) => ipc.call<boolean | null>('cip_packet_save', args),
		/** Record delivery of a packet; meets the request's R15 obligation. */
		requestDeliver: (args: { delivery: Delivery }) => ipc.call<CipRequestView>('cip_request_deliver', args),
	},
	attestation: {
		/** The reseller × year attestation matrix (R18). */
		matrix: () => ipc.call<AttestationMatrix>('attestation_matrix'),
		/** Make the attestation request PDF for a reseller and year (recorded as requested); its bytes. */
		requestContent: (args: { resellerRef: string; period: number }) => ipc.call<ArrayBuffer>('attestation_request_content', args),
		/** Save the attestation request PDF. Null when cancelled. */
		requestSave: (args: { resellerRef: string; period: number }) => ipc.call<boolean | null>('attestation_request_save', args),
		/** Record a signed return; with `scan`, first pick the scanned return (image or PDF) to keep as evidence. Null when that dialog is cancelled. */
		return: (args: { ret: AttestationReturn; scan: boolean }) => ipc.call<Array<AttestationView> | null>('attestation_return', args),
		/** Pick a reseller counts CSV and check it (nothing recorded); the file is remembered for `attestation_import_commit`. Null when cancelled. */
		importCheck: () => ipc.call<CountsImport | null>('attestation_import_check'),
		/** Record the counts file checked by `attestation_import_check`, all or nothing. */
		importCommit: () => ipc.call<CountsImport>('attestation_import_commit'),
	},
	filing: {
		/** The filing register (R12–R14), newest first. */
		list: () => ipc.call<Array<FilingView>>('filing_list'),
		/** One filing with the content its PDF shows. */
		get: (args: { id: string }) => ipc.call<FilingDetail>('filing_get', args),
		/** Officers: draft a filing from the records now (snapshot frozen, checkpoint taken). */
		draft: (args: { request: DraftRequest }) => ipc.call<FilingView>('filing_draft', args),
		/** Officers: approve a draft (four eyes when on). */
		approve: (args: { id: string }) => ipc.call<FilingView>('filing_approve', args),
		/** Officers: an approved filing was filed; meets its obligation. */
		markFiled: (args: { form: FiledForm }) => ipc.call<FilingView>('filing_mark_filed', args),
		/** The filing's PDF bytes (re-rendered and checked against the recorded hash). */
		pdf: (args: { id: string }) => ipc.call<ArrayBuffer>('filing_pdf', args),
		/** Save the filing's PDF; with `open`, then open the saved file in the system's PDF viewer to print it. Null when cancelled. */
		save: (args: { id: string; open: boolean }) => ipc.call<boolean | null>('filing_save', args),
		/** Officers: pick the agency's acknowledgement and keep it with a filed filing. Null when cancelled. */
		attachAck: (args: { id: string }) => ipc.call<FilingView | null>('filing_attach_ack', args),
	},
	screening: {
		/** Every screening list version held, newest import first. */
		lists: () => ipc.call<Array<ListVersionView>>('screening_lists'),
		/** Pick the `sdn.csv` of an OFAC SDN download (its folder's add.csv, alt.csv and sdn_comments.csv come with it) and import the set (officers). Null when cancelled. */
		importSdn: (args: { publishedOn: string | null; activate: boolean }) => ipc.call<ListImported | null>('screening_import_sdn', args),
		/** Pick a Consolidated Screening List CSV and import it (officers). Null when cancelled. */
		importCsl: (args: { publishedOn: string | null; activate: boolean }) => ipc.call<ListImported | null>('screening_import_csl', args),
		/** Make a list version its list's active one (officers). */
		activate: (args: { id: string }) => ipc.call<ListVersionView>('screening_activate', args),
		/** Check one name against the active lists; every hit explained. */
		check: (args: { query: ScreeningQuery }) => ipc.call<ScreeningResult>('screening_check', args),
		/** Screen every customer and beneficial owner against the active lists (progress and cancel through `job_progress` / `job_cancel`). */
		run: () => ipc.call<RunSummary>('screening_run'),
		/** Screen one customer and its owners now. */
		runCustomer: (args: { customerRef: string }) => ipc.call<RunSummary>('screening_run_customer', args),
		/** Hits waiting for a decision, oldest first, each with the customer and the list entry. */
		hits: () => ipc.call<Array<HitView>>('screening_hits'),
		/** Decide on a hit: a false positive (remembered) or a true match (four eyes when on). */
		decide: (args: { decision: HitDecision }) => ipc.call<HitView>('screening_decide', args),
		/** A second reviewer confirms or declines a true match. */
		second: (args: { hitId: string; confirm: boolean }) => ipc.call<HitView>('screening_second', args),
		/** Screening at a glance for the dashboard: measures in force, hits waiting, lists' age. */
		overview: () => ipc.call<ScreeningOverview>('screening_overview'),
		/** The IP-to-country database versions (the jurisdiction check's IP leg). */
		ipdbs: () => ipc.call<Array<IpdbView>>('screening_ipdbs'),
		/** Pick an IP-to-country database (.mmdb) and import it (officers). Null when cancelled. */
		importIpdb: () => ipc.call<IpdbView | null>('screening_import_ipdb'),
		/** The conditions of measures on their true matches, unmet first. */
		conditions: () => ipc.call<Array<ConditionView>>('screening_conditions'),
		/** Record a condition met, saying how (reviewers and officers). */
		conditionMet: (args: { hitId: string; position: number; note: string }) => ipc.call<null>('screening_condition_met', args),
	},
	measures: {
		/** The special-measures register, each with its status today. */
		list: () => ipc.call<Array<MeasureView>>('measures_list'),
		/** Record a special measure (officers). */
		add: (args: { measure: NewMeasure }) => ipc.call<MeasureView>('measures_add', args),
		/** Pick the determination (PDF or image) and record the measure with it in the vault (officers). Null when cancelled. */
		addWithDocument: (args: { measure: NewMeasure }) => ipc.call<MeasureView | null>('measures_add_with_document', args),
		/** Record an extension of a measure's end, with its own citation (officers). */
		extend: (args: { id: string; extension: Extension }) => ipc.call<MeasureView>('measures_extend', args),
	},
	ai: {
		/** The register: cases with their coverage under the active pack, usage batches, resellers' reports, the pack's catalogue and conditions. */
		overview: () => ipc.call<AiOverview>('ai_overview'),
		/** One case with its versions (each evaluated under the active pack), filings, obligations. */
		caseGet: (args: { id: string }) => ipc.call<AiCaseDetail>('ai_case_get', args),
		/** Open a case for a foreign customer; returns its id. */
		caseAdd: (args: { case: AiNewCase }) => ipc.call<string>('ai_case_add', args),
		/** Record the case's next arrangement version; returns it with its evaluation. */
		arrangementAdd: (args: { caseId: string; arrangement: AiArrangementInput }) => ipc.call<AiVersionView>('ai_arrangement_add', args),
		/** Close a case with the reason (officers; a covered case only once reported). */
		caseClose: (args: { caseId: string; reason: string }) => ipc.call<null>('ai_case_close', args),
		/** Every foreign customer's metered usage over the window, judged. */
		usageLines: () => ipc.call<Array<AiUsageLine>>('ai_usage_lines'),
		/** Sum the window again and open cases for review (never a report). */
		usageEvaluate: () => ipc.call<AiUsageEvaluation>('ai_usage_evaluate'),
		/** Pick a usage file (CSV or Excel) and check it (dry run); null when cancelled. */
		usageCheck: () => ipc.call<AiUsageImportReport | null>('ai_usage_check'),
		/** Store the usage file checked by `ai_usage_check`, all or nothing, as a job the status bar shows and `job_cancel` stops (keeping nothing); then evaluate the window. */
		usageCommit: () => ipc.call<AiUsageImportReport>('ai_usage_commit'),
		/** Pick the reseller's report (PDF or image) and record it (officers); null when cancelled. */
		resellerReport: (args: { form: AiResellerReportForm }) => ipc.call<string | null>('ai_reseller_report', args),
		/** Record that a reseller's report was transmitted to Commerce (officers). */
		resellerTransmit: (args: { transmittal: AiTransmittal }) => ipc.call<null>('ai_reseller_transmit', args),
		/** Record that a foreign reseller failed its AI-reporting duties (R25): the supply gate closes. */
		resellerFailure: (args: { resellerRef: string; awareOn: string; what: string }) => ipc.call<null>('ai_reseller_failure', args),
	},
	assessments: {
		/** Every assessment with its findings, newest first. */
		list: () => ipc.call<AssessmentsView>('assessments_list'),
		/** Record an assessment from the form (officers); each finding becomes an obligation. */
		add: (args: { input: AssessmentInput }) => ipc.call<AssessmentView>('assessments_add', args),
		/** Pick an assessment file (TOML) and record it (officers). Null when cancelled. */
		addFile: () => ipc.call<AssessmentView | null>('assessments_add_file'),
		/** Add a remediation note without evidence. */
		note: (args: { findingId: string; note: string }) => ipc.call<AssessmentsView>('assessments_note', args),
		/** Pick the evidence (PDF or image) and add it with a note, or close the finding with it (`close`; answered by `cip_version` when given). Null when cancelled. */
		evidence: (args: { findingId: string; note: string; close: boolean; cipVersion: number | null }) => ipc.call<AssessmentsView | null>('assessments_evidence', args),
	},
	exemptions: {
		/** Every exemption with where it stands today and what it lifts. */
		list: () => ipc.call<Array<ExemptionView>>('exemptions_list'),
		/** Record an exemption without its decision document (officers). */
		add: (args: { input: ExemptionInput }) => ipc.call<ExemptionView>('exemptions_add', args),
		/** Pick Commerce's decision (PDF or image) and record the exemption with it in the vault (officers). Null when cancelled. */
		addWithDecision: (args: { input: ExemptionInput }) => ipc.call<ExemptionView | null>('exemptions_add_with_decision', args),
		/** End an exemption before its term (Commerce revoked it) or correct its last day, saying why (officers). */
		end: (args: { id: string; input: ExemptionEndInput }) => ipc.call<ExemptionView>('exemptions_end', args),
	},
	adp: {
		/** Each criterion of the rule pack with its answer, evidence and strength. */
		status: () => ipc.call<AdpView>('adp_status'),
		/** Save a new version of a criterion's narrative (officers); a material change owes a report. */
		answer: (args: { form: AdpAnswerForm }) => ipc.call<AdpView>('adp_answer', args),
		/** Pick a document (PDF or image) and attach it to a criterion (officers). Null when cancelled. */
		evidenceDocument: (args: { criterion: string; label: string }) => ipc.call<AdpView | null>('adp_evidence_document', args),
		/** Cite a record of the workspace as a criterion's evidence (officers). */
		evidenceRecord: (args: { criterion: string; record: string }) => ipc.call<AdpView>('adp_evidence_record', args),
		/** Record a review of the whole dossier (officers). */
		review: (args: { note: string }) => ipc.call<AdpView>('adp_review', args),
	},
} as const;
