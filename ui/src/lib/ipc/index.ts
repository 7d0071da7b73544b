// The UI's door to the backend. Views import from here, never from @tauri-apps/api: `api`, the
// generated typed command map (`api.<domain>.<verb>(args)`, one call per backend command), the
// error type, and the generated bindings' types.
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
import type { ListVersionView } from './bindings/ListVersionView';
import type { ListImported } from './bindings/ListImported';
import type { ScreeningQuery } from './bindings/ScreeningQuery';
import type { ScreeningResult } from './bindings/ScreeningResult';
import type { Hit } from './bindings/Hit';
import type { Explanation } from './bindings/Explanation';
import type { MeasureView } from './bindings/MeasureView';
import type { NewMeasure } from './bindings/NewMeasure';
import type { MeasurePerson } from './bindings/MeasurePerson';
import type { MeasureKind } from './bindings/MeasureKind';
import type { MeasureStatus } from './bindings/MeasureStatus';
import type { Extension } from './bindings/Extension';
import type { EntryKind } from './bindings/EntryKind';
import type { HitView } from './bindings/HitView';
import type { HitDecision } from './bindings/HitDecision';
import type { RunSummary } from './bindings/RunSummary';
import type { ScreeningOverview } from './bindings/ScreeningOverview';
import type { IpdbView } from './bindings/IpdbView';
import type { ConditionView } from './bindings/ConditionView';

export { IpcError, toIpcError } from './client';
export { api } from './bindings/api';
export type {
	ConditionView,
	IpdbView,
	ScreeningOverview,
	HitView,
	HitDecision,
	RunSummary,
	ListVersionView,
	ListImported,
	ScreeningQuery,
	ScreeningResult,
	Hit,
	Explanation,
	MeasureView,
	NewMeasure,
	MeasurePerson,
	MeasureKind,
	MeasureStatus,
	Extension,
	EntryKind,
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
export type { AssessmentInput } from './bindings/AssessmentInput';
export type { AssessmentView } from './bindings/AssessmentView';
export type { AssessmentsView } from './bindings/AssessmentsView';
export type { FindingInput } from './bindings/FindingInput';
export type { FindingNoteView } from './bindings/FindingNoteView';
export type { FindingView } from './bindings/FindingView';
export type { Severity } from './bindings/Severity';
export type { ExemptionInput } from './bindings/ExemptionInput';
export type { ExemptionEndInput } from './bindings/ExemptionEndInput';
export type { ExemptionView } from './bindings/ExemptionView';
export type { Standing } from './bindings/Standing';
export type { AdpView } from './bindings/AdpView';
export type { CriterionView } from './bindings/CriterionView';
export type { Strength } from './bindings/Strength';
export type { ExposureItem } from './bindings/ExposureItem';
export type { ExposureView } from './bindings/ExposureView';
export type { Check } from './bindings/Check';
export type { QueueReason } from './bindings/QueueReason';
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
export type { OwnerAccessView } from './bindings/OwnerAccessView';
export type { OwnerCheckRequest } from './bindings/OwnerCheckRequest';
export type { OwnerView } from './bindings/OwnerView';
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
export type { Finding, CipDraftSave, CipApproval };
export type { AiArrangementInput } from './bindings/AiArrangementInput';
export type { AiCaseDetail } from './bindings/AiCaseDetail';
export type { AiCaseView } from './bindings/AiCaseView';
export type { AiCoverage } from './bindings/AiCoverage';
export type { AiOverview } from './bindings/AiOverview';
export type { AiResellerReportForm } from './bindings/AiResellerReportForm';
export type { AiUsageImportReport } from './bindings/AiUsageImportReport';
export type { AiUsageLine } from './bindings/AiUsageLine';
export type { OwnersImportReport } from './bindings/OwnersImportReport';
export type { TermKind } from './bindings/TermKind';
export type { AppealOutcome } from './bindings/AppealOutcome';
export type { TermsView } from './bindings/TermsView';
export type { AppealView } from './bindings/AppealView';
export type { ExportFormat } from './bindings/ExportFormat';
