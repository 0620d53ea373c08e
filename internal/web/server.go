// Package web serves OpenIOP's HTML: the public pages, sign-in and the staff
// app. routes.go lists every route with the permission it needs; each page
// or action lives in a file of its own and reads as a short script: check
// input, call the store, audit, render.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/auth/sso"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	outc "github.com/openiop/openiop/internal/outcomes" // episodes.go has a func outcomes
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/platform/metrics"
	"github.com/openiop/openiop/internal/platform/submission"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/render"
)

//go:embed templates
var templateFS embed.FS

// Store is what the web layer needs from storage.
type Store interface {
	fhir.Source // the client's own record as FHIR (right of access)
	Organization(ctx context.Context) (model.Organization, error)
	Sites(ctx context.Context) ([]model.Site, error)
	Programs(ctx context.Context) ([]model.Program, error)
	Tracks(ctx context.Context) ([]store.TrackWithCount, error)

	UserByEmail(ctx context.Context, email string) (model.User, error)
	User(ctx context.Context, id string) (model.User, error)
	Users(ctx context.Context) ([]model.User, error)
	CreateUser(ctx context.Context, u *model.User, rec audit.Record) error
	SetUserActive(ctx context.Context, id string, active bool, rec audit.Record) error
	SetUserRole(ctx context.Context, id string, role model.Role, rec audit.Record) error
	SetPasswordHash(ctx context.Context, id, hash string, endSessions bool, rec *audit.Record) error

	CreateSession(ctx context.Context, s model.Session, replaces string, rec audit.Record) error
	Session(ctx context.Context, tokenHash string) (model.Session, error)
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash string, rec *audit.Record) error
	UserSessions(ctx context.Context, userID string, now time.Time) ([]model.Session, error)
	CreateMFAChallenge(ctx context.Context, tokenHash, userID string, expires time.Time) error
	MFAChallenge(ctx context.Context, tokenHash string, now time.Time) (string, error)
	DeleteMFAChallenge(ctx context.Context, tokenHash string) error
	TOTPSecrets(ctx context.Context, userID string) (secret, pending string, err error)
	SetPendingTOTP(ctx context.Context, userID, secret string) error
	EnableTOTP(ctx context.Context, userID, pending string, step int64, codeHashes []string, rec audit.Record) error
	AcceptTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, userID, codeHash string) (bool, error)
	NewRecoveryCodes(ctx context.Context, userID string, codeHashes []string, rec audit.Record) error
	UnusedRecoveryCodes(ctx context.Context, userID string) (int, error)
	ResetMFA(ctx context.Context, userID string, rec audit.Record) error
	MFARequired(ctx context.Context) (bool, error)
	SetSubmissionLocation(ctx context.Context, scope, key, location string) error
	SubmissionLocation(ctx context.Context, scope, key string) (string, error)
	CreateSSOLogin(ctx context.Context, stateHash string, l store.SSOLogin, expires time.Time) error
	TakeSSOLogin(ctx context.Context, stateHash string, now time.Time) (store.SSOLogin, error)
	SSOAccount(ctx context.Context, issuer, subject, email string) (model.User, bool, error)
	LinkSSO(ctx context.Context, userID, issuer, subject string, rec audit.Record) error
	SetMFARequired(ctx context.Context, on bool, rec audit.Record) error
	EndSessions(ctx context.Context, userID, tokenHash, keep string, rec audit.Record) (int64, error)
	LoginFailures(ctx context.Context, key string) (int, time.Time, error)
	RecordLoginFailure(ctx context.Context, keys []store.ThrottleKey, now time.Time, window time.Duration, rec audit.Record) error
	ClearLoginFailures(ctx context.Context, keys ...string) error

	Client(ctx context.Context, id string) (model.Client, error)
	SearchClients(ctx context.Context, q store.ClientQuery) ([]model.Client, int, error)
	CreateClient(ctx context.Context, c *model.Client, rec audit.Record) error
	UpdateClient(ctx context.Context, c *model.Client, rec audit.Record) error
	Episodes(ctx context.Context, clientID string) ([]model.Episode, error)

	// The clinical record.
	Program(ctx context.Context, id string) (model.Program, error)
	SetReviewInterval(ctx context.Context, programID string, days int, rec audit.Record) error
	Admit(ctx context.Context, clientID string, a care.Admit, byID string, rec audit.Record) (model.Episode, error)
	Episode(ctx context.Context, clientID, id string) (model.Episode, error)
	EpisodeEvents(ctx context.Context, episodeID string) ([]care.Event, error)
	ChangeEpisode(ctx context.Context, ep model.Episode, c care.Change, byID string, reviewIntervalDays int, rec audit.Record) error
	ReviewEpisode(ctx context.Context, ep model.Episode, r care.ReviewEntry, byID string, reviewIntervalDays int, rec audit.Record) error
	DischargeEpisode(ctx context.Context, ep model.Episode, d care.Discharge, rec audit.Record) error
	Discharge(ctx context.Context, episodeID string) (care.Discharge, error)
	ReviewsDue(ctx context.Context, by model.Date, counselorID string) ([]store.DueReview, error)
	CountReviewsDue(ctx context.Context, today, by model.Date, counselorID string) (overdue, soon int, err error)
	CreateAssessment(ctx context.Context, a *care.Assessment, rec audit.Record) error
	DecideAssessment(ctx context.Context, a care.Assessment, d care.Decision, rec audit.Record) error
	Assessment(ctx context.Context, clientID, id string) (care.Assessment, error)
	Assessments(ctx context.Context, clientID string) ([]care.Assessment, error)
	CreateMeasure(ctx context.Context, m *care.Measure, rec audit.Record) error
	Measure(ctx context.Context, clientID, id string) (care.Measure, error)
	Measures(ctx context.Context, clientID string) ([]care.Measure, error)
	AssignMeasure(ctx context.Context, a *care.Assignment, rec audit.Record) error
	OpenAssignments(ctx context.Context, clientID string) ([]care.Assignment, error)
	MeasuresDue(ctx context.Context, by model.Date, counselorID string) ([]store.DueMeasure, error)
	MeasureSchedules(ctx context.Context, programID string) ([]care.MeasureSchedule, error)
	SetMeasureSchedule(ctx context.Context, s care.MeasureSchedule, rec audit.Record) error
	RemoveMeasureSchedule(ctx context.Context, programID, instrumentCode string, rec audit.Record) error
	SafetyAlerts(ctx context.Context, q store.SafetyAlertQuery) ([]care.SafetyAlert, error)
	SafetyAlert(ctx context.Context, clientID, id string) (care.SafetyAlert, error)
	SafetyAlertForMeasure(ctx context.Context, clientID, measureID string) (care.SafetyAlert, bool, error)
	RespondToSafetyAlert(ctx context.Context, clientID, id string, r care.SafetyResponse, rec audit.Record) error
	CountOpenSafetyAlerts(ctx context.Context, counselorID string) (int, error)
	CancelAssignment(ctx context.Context, clientID, id string, rec audit.Record) error
	DisabledInstruments(ctx context.Context) (map[string]bool, error)

	// The schedule builder.
	WeekCalendar(ctx context.Context, siteID string, monday model.Date) (builder.Calendar, error)
	ApplyWeekPlan(ctx context.Context, moves []builder.Move, rec audit.Record) error

	// Treatment plans.
	TreatmentPlans(ctx context.Context, clientID string) ([]plan.Plan, error)
	TreatmentPlan(ctx context.Context, clientID, id string) (plan.Plan, error)
	StartPlan(ctx context.Context, clientID, episodeID string, today model.Date, byID string, rec audit.Record) (plan.Plan, error)
	SavePlan(ctx context.Context, p *plan.Plan, sign bool, extra []plan.Modality, byID string, rec audit.Record) error
	Modalities(ctx context.Context) ([]plan.Modality, error)
	AddModality(ctx context.Context, label, byID string, rec audit.Record) (plan.Modality, error)
	SignPlanAsClient(ctx context.Context, clientID, id, typedName, witnessID string, rec audit.Record) error
	SignPlanAsSupervisor(ctx context.Context, clientID, id, byID string, rec audit.Record) error
	AddPlanReview(ctx context.Context, r *plan.Review, today model.Date, byID string, rec audit.Record) error
	PlanReviews(ctx context.Context, clientID string) ([]plan.Review, error)
	PlansDue(ctx context.Context, by model.Date, counselorID string) ([]store.PlanDue, error)
	SetPlanCadence(ctx context.Context, programID string, initialDays, reviewDays int, rec audit.Record) error
	ObjectiveNotes(ctx context.Context, clientID string) ([]store.ObjectiveNote, error)
	CurrentObjectives(ctx context.Context, clientID string) ([]plan.ObjectiveRef, error)
	RelapsePlans(ctx context.Context, clientID string) ([]relapse.Plan, error)
	Consents(ctx context.Context, clientID string) ([]consent.Consent, error)
	Consent(ctx context.Context, clientID, id string) (consent.Consent, error)
	ConsentCare(ctx context.Context, clientID string) (consent.Care, error)
	SaveConsent(ctx context.Context, c *consent.Consent, today model.Date, byID string, rec audit.Record) error
	RevokeConsent(ctx context.Context, clientID, id, note, byID string, rec audit.Record) error
	Disclosures(ctx context.Context, clientID string) ([]consent.Disclosure, error)
	Disclosure(ctx context.Context, clientID, id string) (consent.Disclosure, error)
	DisclosuresBetween(ctx context.Context, from, to time.Time) ([]store.DisclosureRow, error)
	OutcomeRows(ctx context.Context, f store.OutcomeFilter) (outc.Input, error)
	CareTeamAccess(ctx context.Context, clientID, userID string, now time.Time) (string, error)
	GroupAccess(ctx context.Context, seriesID, userID string, date model.Date) (string, error)
	NameSubstitute(ctx context.Context, seriesID string, date model.Date, userID, reason, byID string, rec audit.Record) error
	CareTeamRule(ctx context.Context) (bool, error)
	CareTeamClients(ctx context.Context, userID string, now time.Time, clientIDs []string) (map[string]bool, error)
	SetCareTeamRule(ctx context.Context, on bool, rec audit.Record) error
	CareTeam(ctx context.Context, clientID string) ([]store.CareTeamMember, error)
	AddToCareTeam(ctx context.Context, clientID, userID, byID string, rec audit.Record) error
	RemoveFromCareTeam(ctx context.Context, clientID, userID string, rec audit.Record) error
	GrantEmergencyAccess(ctx context.Context, mrn, userID, reason string, d time.Duration, rec audit.Record) (store.EmergencyGrant, error)
	EmergencyGrants(ctx context.Context, since time.Time, unreviewedOnly bool) ([]store.EmergencyGrant, error)
	ReviewEmergencyAccess(ctx context.Context, id, byID string, rec audit.Record) error
	Disclose(ctx context.Context, d *consent.Disclosure, req consent.Request, today model.Date, rec audit.Record) (consent.Decision, error)
	SaveRelapsePlan(ctx context.Context, p *relapse.Plan, baseVersion int, authorKind, authorID, authorName string, rec audit.Record) error
	SetInstrumentEnabled(ctx context.Context, code string, enabled bool, byID string, rec audit.Record) error

	// The public self-assessment and admissions.
	SaveSelfAssessment(ctx context.Context, sa *store.SelfAssessment, keepFor time.Duration) error
	GetSelfAssessment(ctx context.Context, id string) (store.SelfAssessment, error)
	Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error)
	CreateInquiry(ctx context.Context, in *admissions.Inquiry, rec audit.Record) error
	Inquiries(ctx context.Context, status admissions.Status) ([]admissions.Inquiry, error)
	CountOpenInquiries(ctx context.Context, now time.Time) (open, overdue int, err error)
	SelfAssessmentCounts(ctx context.Context, from model.Date) ([]store.SelfAssessmentCount, error)
	Inquiry(ctx context.Context, id string) (admissions.Inquiry, error)
	UpdateInquiry(ctx context.Context, id string, u admissions.Update, byID string, rec audit.Record) error
	AddContact(ctx context.Context, c *admissions.Contact, rec audit.Record) error
	Contacts(ctx context.Context, inquiryID string) ([]admissions.Contact, error)
	AdmitInquiry(ctx context.Context, inquiryID string, c *model.Client, a care.Admit, byID string, rec audit.Record) (model.Episode, error)

	// Cost and coverage: the center's cost settings and an inquiry's payer checklist.
	CostSettings(ctx context.Context) (cost.Settings, error)
	SavePayerTexts(ctx context.Context, t cost.Texts, rec audit.Record) error
	SaveFees(ctx context.Context, f cost.Fees, s cost.Scale, rec audit.Record) error
	InquiryChecklist(ctx context.Context, inquiryID string) (admissions.Checklist, error)
	SetInquiryChecklist(ctx context.Context, inquiryID string, u admissions.ChecklistUpdate, byID string, rec audit.Record) (bool, error)

	// The program calendar.
	ListSeries(ctx context.Context, f store.SeriesFilter) ([]schedule.Series, error)
	Series(ctx context.Context, id string) (schedule.Series, error)
	CreateSeries(ctx context.Context, s *schedule.Series, rec audit.Record) error
	SetException(ctx context.Context, e schedule.Exception, byID string, rec audit.Record) error
	EndSeries(ctx context.Context, id string, last model.Date, reason, byID string, rec audit.Record) error
	SetCapacity(ctx context.Context, id string, min, max int, rec audit.Record) error
	AddClosure(ctx context.Context, c schedule.Closure, byID string, rec audit.Record) error
	Closures(ctx context.Context) ([]schedule.Closure, error)
	Exceptions(ctx context.Context) ([]schedule.Exception, error)
	Occurrences(ctx context.Context, f store.SeriesFilter, from, to model.Date, loc *time.Location) ([]schedule.Occurrence, error)
	Enrol(ctx context.Context, seriesID, clientID string, rec audit.Record) (string, error)
	Unenrol(ctx context.Context, seriesID, clientID string, rec audit.Record) error
	Enrolments(ctx context.Context, clientID string) ([]store.Enrolment, error)
	Availability(ctx context.Context, clientID string) (schedule.Availability, error)
	SetAvailability(ctx context.Context, clientID string, av schedule.Availability, rec audit.Record) error
	Appointments(ctx context.Context, f store.AppointmentFilter) ([]schedule.Appointment, error)
	BookAppointment(ctx context.Context, a *schedule.Appointment, loc *time.Location, override bool, rec audit.Record) error
	CancelAppointment(ctx context.Context, clientID, id, reason string, rec audit.Record) error
	CreateCalendarToken(ctx context.Context, kind, ownerID, byID string, rec audit.Record) (string, error)
	RevokeCalendarTokens(ctx context.Context, kind, ownerID string, rec audit.Record) error
	HasCalendarToken(ctx context.Context, kind, ownerID string) (bool, error)
	CalendarOwner(ctx context.Context, token string) (kind, ownerID string, err error)
	CreateTrack(ctx context.Context, t *model.Track, rec audit.Record) error
	Notices(ctx context.Context, userID string) ([]store.Notice, error)
	GroupRoster(ctx context.Context, seriesID string) ([]store.Roster, error)
	SaveAttendance(ctx context.Context, seriesID string, date model.Date, marks []intensity.Mark, byID string, rec audit.Record) error
	Attendance(ctx context.Context, seriesID string, date model.Date) (map[string]intensity.Mark, error)
	ClientMarks(ctx context.Context, clientID string, from model.Date) ([]intensity.Mark, error)
	AckAlert(ctx context.Context, a intensity.Alert, note, byID string, rec audit.Record) error
	Acked(ctx context.Context, clientID string) (map[string]bool, error)
	GroupServices(ctx context.Context, from, to model.Date, clientIDs ...string) ([]intensity.Service, error)
	CreateScreen(ctx context.Context, s *intensity.Screen, byID string, rec audit.Record) error
	GroupNote(ctx context.Context, seriesID string, date model.Date) (notes.GroupNote, error)
	SaveGroupNote(ctx context.Context, n *notes.GroupNote, attended []string, sign bool, byID string, rec audit.Record) error
	AddAddendum(ctx context.Context, noteID, text, byID string, rec audit.Record) error
	CoSign(ctx context.Context, noteID, byID string, rec audit.Record) error
	ClientGroupNotes(ctx context.Context, clientID string) ([]store.ClientNote, error)
	SessionNote(ctx context.Context, clientID, appointmentID string) (schedule.Appointment, notes.SessionNote, error)
	SaveSessionNote(ctx context.Context, n *notes.SessionNote, sign bool, byID string, rec audit.Record) error
	AddSessionAddendum(ctx context.Context, clientID, noteID, text, byID string, rec audit.Record) error
	CoSignSession(ctx context.Context, clientID, noteID, byID string, rec audit.Record) error
	ClientSessionNotes(ctx context.Context, clientID string) ([]store.SessionNoteSummary, error)
	PendingSessionNotes(ctx context.Context, clinicianID string, since time.Time) ([]store.PendingSession, error)
	SetNoShow(ctx context.Context, clientID, id string, noShow bool, byID string, rec audit.Record) error
	SignedSessionMinutes(ctx context.Context, from, to time.Time, clientIDs ...string) (map[string]int, error)
	PerDiemSpans(ctx context.Context, from, to model.Date, clientIDs ...string) (map[string][]intensity.PerDiemSpan, error)
	SetAccountability(ctx context.Context, programID string, minWeekly int, a model.Accountability, rec audit.Record) error
	CounselingHours(ctx context.Context, userID string) (schedule.CounselingHours, error)
	SetCounselingHours(ctx context.Context, userID string, h schedule.CounselingHours, rec audit.Record) error
	MeetingCode(ctx context.Context, seriesID string, date model.Date) (string, error)
	MeetingsForCode(ctx context.Context, code string, from, to model.Date) ([]store.CodedMeeting, error)
	KioskCheckIn(ctx context.Context, seriesID string, date model.Date, lastName string, born model.Date, rec audit.Record) error
	DeskCheckIn(ctx context.Context, seriesID string, date model.Date, clientID, byID string, rec audit.Record) error
	CheckIns(ctx context.Context, seriesID string, date model.Date) (map[string]intensity.CheckIn, error)
	PendingNotes(ctx context.Context, facilitatorID string, since model.Date) ([]store.PendingNote, error)
	Screens(ctx context.Context, clientID string) ([]intensity.Screen, error)
	ReadNotice(ctx context.Context, userID, id string) error
	CreateAPIToken(ctx context.Context, userID, name string, rec audit.Record) (string, error)
	CreateScopedAPIToken(ctx context.Context, userID, name, scopes string, outside bool, rec audit.Record) (string, error)
	APITokens(ctx context.Context, userID string) ([]store.APIToken, error)
	RevokeAPIToken(ctx context.Context, userID, hash string, rec audit.Record) error

	InviteToPortal(ctx context.Context, inv store.PortalInvite, rec audit.Record) (portal.Account, error)
	ClosePortalAccess(ctx context.Context, clientID string, rec audit.Record) error
	ClientPortalAccount(ctx context.Context, clientID string) (portal.Account, error)
	FamilyPortalAccount(ctx context.Context, clientID, consentID string) (portal.Account, error)
	PortalInvitation(ctx context.Context, codeHash string) (portal.Account, error)
	AcceptPortalInvite(ctx context.Context, codeHash, login, passwordHash string, rec audit.Record) (portal.Account, error)
	PortalAccountByLogin(ctx context.Context, login string) (portal.Account, string, error)
	CreatePortalSession(ctx context.Context, s store.PortalSession, replaces string, rec audit.Record) error
	PortalSessionByToken(ctx context.Context, tokenHash string) (store.PortalSession, error)
	TouchPortalSession(ctx context.Context, tokenHash string, at time.Time) error
	DeletePortalSession(ctx context.Context, tokenHash string, rec *audit.Record) error
	SetPortalReminders(ctx context.Context, accountID string, r portal.Reminders, rec audit.Record) error
	SaveDailyCheckIn(ctx context.Context, c *portal.CheckIn, rec audit.Record) error
	DailyCheckIns(ctx context.Context, clientID string, from model.Date) ([]portal.CheckIn, error)
	FlaggedCheckIns(ctx context.Context, counselorID string, since model.Date) ([]store.FlaggedCheckIn, error)
	ReportAbsence(ctx context.Context, a *portal.Absence, rec audit.Record) error
	Absences(ctx context.Context, q store.AbsenceQuery) ([]portal.Absence, error)
	DecideAbsence(ctx context.Context, clientID, id string, accept bool, note, byID string, rec audit.Record) error
	WithdrawAbsence(ctx context.Context, clientID, id string, rec audit.Record) error
	PortalOutbox(ctx context.Context, limit int) ([]store.OutboxMessage, error)
	SetPortalPendingTOTP(ctx context.Context, accountID, secret string) error
	PortalTOTP(ctx context.Context, accountID string) (secret, pending string, err error)
	EnablePortalTOTP(ctx context.Context, a portal.Account, pending string, step int64, rec audit.Record) error
	DisablePortalTOTP(ctx context.Context, a portal.Account, rec audit.Record) error
	AcceptPortalTOTPStep(ctx context.Context, accountID string, step int64) (bool, error)
	CreatePortalChallenge(ctx context.Context, tokenHash, accountID string, expires time.Time) error
	PortalChallenge(ctx context.Context, tokenHash string, now time.Time) (portal.Account, error)
	DeletePortalChallenge(ctx context.Context, tokenHash string) error
	QueuePortalMessage(ctx context.Context, a portal.Account, m portal.Message, dedupe string, rec audit.Record) (bool, error)

	Payers(ctx context.Context) ([]billing.Payer, error)
	SavePayer(ctx context.Context, p *billing.Payer, rec audit.Record) error
	Coverages(ctx context.Context, clientID string) ([]billing.Coverage, error)
	SaveCoverage(ctx context.Context, c *billing.Coverage, today model.Date, byID string, rec audit.Record) error
	Authorizations(ctx context.Context, clientID string) ([]billing.Authorization, error)
	AuthorizationsEndingFrom(ctx context.Context, from model.Date, clientIDs ...string) ([]billing.Authorization, error)
	SaveAuthorization(ctx context.Context, a *billing.Authorization, byID string, rec audit.Record) error
	BillingFiles(ctx context.Context, clientIDs []string) (map[string]billing.ClientFile, error)
	BilledServices(ctx context.Context, from, to model.Date) (map[string]string, error)
	CreateClaimBatch(ctx context.Context, x store.ClaimExport, rec audit.Record) (store.ClaimBatch, error)
	ClaimBatches(ctx context.Context, limit int) ([]store.ClaimBatch, error)
	ClaimBatch(ctx context.Context, id string) (store.ClaimBatch, []billing.Line, error)
	ClaimBatchFile(ctx context.Context, id, kind string) ([]byte, error)
	BillingProfile(ctx context.Context) (billing.Profile, error)
	SaveBillingProfile(ctx context.Context, p billing.Profile, rec audit.Record) error
	Clinicians(ctx context.Context) (map[string]billing.Rendering, error)
	CurriculumTopics(ctx context.Context, trackID string) ([]curriculum.Topic, error)
	AddCurriculumTopic(ctx context.Context, t *curriculum.Topic, byID string, rec audit.Record) error
	RemoveCurriculumTopic(ctx context.Context, trackID, id string, rec audit.Record) error
	ScoreChanges(ctx context.Context, clientIDs, instruments []string) (map[string][]store.ScoreChange, error)
	SetNPI(ctx context.Context, userID, npi string, rec audit.Record) error
	RecordDecision(ctx context.Context, d *billing.Decision, today model.Date, byID string, rec audit.Record) error
	Decisions(ctx context.Context, clientID string) ([]billing.Decision, error)

	ListAudit(ctx context.Context, f store.AuditFilter) ([]audit.Record, int, error)
	AppendAudit(ctx context.Context, recs []audit.Record) error

	Ping(ctx context.Context) error
	Pending(ctx context.Context) (int, error)
}

// Auditor durably records read events; audit.Batcher is one.
type Auditor interface {
	Record(ctx context.Context, rec audit.Record) error
}

// Options are the server's settings.
type Options struct {
	BaseURL        string
	Secure         bool // served over HTTPS: Secure cookies and HSTS
	TrustProxy     bool
	Session        auth.SessionPolicy
	AccountLimit   auth.Throttle // sign-in failures per account
	AddressLimit   auth.Throttle // sign-in failures per source address
	Version        string
	SMTP           bool          // email is sent (an SMTP server is set up); otherwise portal emails wait in the outbox
	OrgCacheFor    time.Duration // how long the organization settings are cached; 0 means 30 s
	TracksCacheFor time.Duration // how long home and public pages reuse track enrolment counts; 0 means 5 s, negative means never
	// Admission bounds requests in flight and waiting (iop serve uses
	// httpx.DefaultAdmission); zero means no bound.
	Admission httpx.Admission
}

// Deps are the server's collaborators.
type Deps struct {
	API     http.Handler // the JSON API, served under /api/; nil for none
	Store   Store
	Audit   Auditor
	Hasher  *auth.Hasher
	SSO     *sso.Provider // single sign-on for staff; nil when not set up
	Log     *slog.Logger
	Metrics *metrics.Registry
	Now     func() time.Time
	Options Options
}

// Server is the web application.
type Server struct {
	Deps
	pages   *render.Engine
	static  *staticFiles
	mux     *http.ServeMux
	table   []route
	handler http.Handler

	orgMu     sync.Mutex
	org       model.Organization
	orgLoaded time.Time

	tracksMu     sync.Mutex
	tracks       []store.TrackWithCount
	tracksLoaded time.Time
	// trackDay is the home page's summary of those tracks for one weekday,
	// derived once per load instead of on every visit.
	trackDay *trackSummary

	alertsMu    sync.Mutex
	alertsCache map[string]cachedAlerts // by counselor

	dummyHash string // verified against when the account does not exist, so timing does not tell
}

// NewServer builds the web application and its routes.
func NewServer(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Options.Session.Idle == 0 {
		d.Options.Session = auth.DefaultSessionPolicy
	}
	if d.Options.AccountLimit.Base == 0 {
		d.Options.AccountLimit = auth.DefaultThrottle
	}
	if d.Options.AddressLimit.Base == 0 {
		d.Options.AddressLimit = auth.Throttle{FreeAttempts: 50, Base: 30 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	}
	if d.Options.OrgCacheFor == 0 {
		d.Options.OrgCacheFor = 30 * time.Second
	}
	if d.Options.TracksCacheFor == 0 {
		d.Options.TracksCacheFor = 5 * time.Second
	}
	s := &Server{Deps: d, mux: http.NewServeMux()}
	var err error
	if s.static, err = newStatic(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	if s.pages, err = render.New(sub, s.funcs()); err != nil {
		return nil, err
	}
	if s.dummyHash, err = d.Hasher.Hash(context.Background(), "not a real password, for timing only"); err != nil {
		return nil, err
	}
	s.table = s.routes()
	seen := map[string]bool{}
	for _, rt := range s.table {
		if rt.Perm == "" {
			panic("web: route " + rt.Method + " " + rt.Pattern + " declares no permission")
		}
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			panic("web: route " + key + " registered twice")
		}
		seen[key] = true
		s.mux.Handle(key, s.guard(rt))
	}
	s.mux.Handle("/", s.guard(route{Method: "", Pattern: "/", Perm: auth.Public, Handle: s.notFound}))
	// Cookie-authenticated pages get cross-origin protection; the API never
	// reads cookies, so it is mounted beside them without it.
	var h http.Handler = http.NewCrossOriginProtection().Handler(s.mux)
	if d.API != nil {
		top := http.NewServeMux()
		top.Handle("/api/", d.API)
		top.Handle("/fhir/", d.API) // the FHIR R4 API, served by the same handler
		top.Handle("/", h)
		h = top
	}
	h = httpx.SecurityHeaders(d.Options.Secure, h)
	h = httpx.Recover(d.Log, h)
	h = httpx.Observe(d.Log, d.Metrics, h)
	// Outside the access log: a refusal under overload costs no log line.
	h = httpx.Admit(d.Options.Admission, d.Metrics, h)
	h = httpx.WithRequestID(h)
	s.handler = h
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// RouteInfo describes a route, for tests and documentation.
type RouteInfo struct {
	Method, Pattern string
	Perm            auth.Permission
}

// Routes lists every route with its permission.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.table))
	for i, rt := range s.table {
		out[i] = RouteInfo{rt.Method, rt.Pattern, rt.Perm}
	}
	return out
}

// handlerFunc is a page or action. Returning an error renders the error page
// that fits its kind.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table.
type route struct {
	Method    string
	Pattern   string
	Perm      auth.Permission
	Handle    handlerFunc
	NoSession bool // static files and probes: never look up a session
}

type ctxKey int

const (
	sessionKey ctxKey = iota
	expiredKey
	portalKey
)

// sessionOf returns the signed-in session of the request, or nil.
func sessionOf(r *http.Request) *model.Session {
	s, _ := r.Context().Value(sessionKey).(*model.Session)
	return s
}

// guard wraps a route: it looks up the session, enforces the route's
// permission (auditing refusals) and renders the handler's error, if any.
func (s *Server) guard(rt route) http.Handler {
	label := strings.TrimSpace(rt.Method + " " + rt.Pattern)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &startedWriter{ResponseWriter: rw}
		httpx.SetRoute(r.Context(), label)
		if rt.Perm == auth.Portal {
			w.Header().Set("Cache-Control", "no-store")
			var ok bool
			if r, ok = s.guardPortal(w, r); !ok {
				return
			}
		} else if !rt.NoSession {
			w.Header().Set("Cache-Control", "no-store")
			sess, expired, err := s.loadSession(w, r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ctx := context.WithValue(r.Context(), sessionKey, sess)
			if expired {
				ctx = context.WithValue(ctx, expiredKey, true)
			}
			r = r.WithContext(ctx)
			if rt.Perm != auth.Public {
				if sess == nil {
					s.needSignIn(w, r, expired)
					return
				}
				if !auth.Can(sess.User.Role, rt.Perm) {
					s.deny(w, r, rt)
					return
				}
				if needsMFASetup(sess) && !mfaSetupRoute(rt) {
					if r.Header.Get("HX-Request") == "true" {
						w.Header().Set("HX-Redirect", "/account/mfa")
						w.WriteHeader(http.StatusUnauthorized)
						return
					}
					http.Redirect(w, r, "/account/mfa", http.StatusSeeOther)
					return
				}
			}
		}
		var sub *submission.Submission
		if sess := sessionOf(r); sess != nil && r.Method == http.MethodPost {
			sub = &submission.Submission{Scope: sess.UserID}
			r = r.WithContext(submission.With(r.Context(), sub))
		}
		if err := rt.Handle(w, r); err != nil {
			s.fail(w, r, err)
		} else if sub.WasRecorded() {
			s.rememberSubmission(w, r, sub)
		}
	})
}

// needSignIn sends a signed-out visitor to the sign-in page, remembering
// where they were going so that work resumes after signing in.
func (s *Server) needSignIn(w http.ResponseWriter, r *http.Request, expired bool) {
	target := "/login?next=" + urlQueryEscape(r.URL.RequestURI())
	if r.Method != http.MethodGet {
		target = "/login"
	}
	if expired {
		target += sep(target) + "expired=1"
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther) // #nosec G710 -- a path on this site
}

func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

// deny answers a signed-in user who lacks the route's permission, and
// records the refusal (ASVS 16.3.2: log failed authorization).
func (s *Server) deny(w http.ResponseWriter, r *http.Request, rt route) {
	rec := s.record(r)
	rec.Action, rec.Outcome, rec.Category = audit.ActionDenied, audit.OutcomeDenied, string(rt.Perm)
	rec.Detail = rt.Method + " " + rt.Pattern
	if id := r.PathValue("id"); model.ValidID(id) && strings.HasPrefix(rt.Pattern, "/clients/") {
		rec.ClientID = id
	}
	if err := s.Audit.Record(r.Context(), rec); err != nil {
		s.fail(w, r, err)
		return
	}
	s.errorPage(w, r, http.StatusForbidden, "You do not have access to this page",
		"Your role ("+sessionOf(r).User.Role.Label()+") does not include permission to "+describe(rt.Perm)+
			". If you need it for your work, ask your program's administrator.")
}

// record starts an audit record for the request: when, who, from where.
func (s *Server) record(r *http.Request) audit.Record {
	rec := audit.Record{
		At:        s.Now(),
		IP:        httpx.ClientIP(r, s.Options.TrustProxy),
		RequestID: httpx.RequestID(r.Context()),
		Outcome:   audit.OutcomeSuccess,
	}
	if sess := sessionOf(r); sess != nil {
		rec.ActorID, rec.ActorRole = sess.User.ID, string(sess.User.Role)
	} else if ps := portalOf(r); ps != nil {
		rec.ActorID, rec.ActorRole = portalActor(ps.Account), string(ps.Account.Kind)
	} else {
		rec.ActorID, rec.ActorRole = "anonymous", ""
	}
	return rec
}

// auditRead durably records that the request showed client data, before the
// page is sent. If the record cannot be written the page is not shown.
func (s *Server) auditRead(r *http.Request, action, category, clientID, detail string) error {
	rec := s.record(r)
	rec.Action, rec.Category, rec.ClientID, rec.Detail = action, category, clientID, detail
	if err := s.Audit.Record(r.Context(), rec); err != nil {
		return model.Wrap("web.auditRead", model.KindInternal, err)
	}
	return nil
}

// startedWriter notes whether the response has begun, so that an error
// after that point (typically the browser going away mid-page) is not
// answered with a second response on top of the first.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (w *startedWriter) WriteHeader(code int) { w.started = true; w.ResponseWriter.WriteHeader(code) }

func (w *startedWriter) Write(b []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(b)
}

func (w *startedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// fail renders the error page that fits err's kind and logs internal errors.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the browser went away
	}
	if sw, ok := w.(*startedWriter); ok && sw.started {
		s.Log.Debug("response cut short", "error", err, "request_id", httpx.RequestID(r.Context()))
		return
	}
	if errors.Is(err, submission.ErrReplayed) {
		s.replayedSubmission(w, r)
		return
	}
	kind := model.KindOf(err)
	status := map[model.Kind]int{
		model.KindInvalid: http.StatusUnprocessableEntity, model.KindNotFound: http.StatusNotFound,
		model.KindForbidden: http.StatusForbidden, model.KindConflict: http.StatusConflict,
		model.KindUnauthenticated: http.StatusUnauthorized, model.KindThrottled: http.StatusTooManyRequests,
		model.KindUnavailable: http.StatusServiceUnavailable,
	}[kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.Log.Error("request failed", "error", err, "request_id", httpx.RequestID(r.Context()))
	}
	title := map[int]string{
		http.StatusNotFound: "Page not found", http.StatusForbidden: "You do not have access to this page",
		http.StatusConflict: "That change clashes with the current record", http.StatusTooManyRequests: "Too many attempts",
		http.StatusServiceUnavailable: "The database is not answering", http.StatusUnprocessableEntity: "Please check your input",
	}[status]
	if title == "" {
		title = "Something went wrong"
	}
	msg := model.UserMessage(err)
	// A form answered on a page of its own has no fields to highlight: say
	// what was wrong in words.
	if fields := model.FieldsOf(err); len(fields) > 0 {
		keys := slices.Sorted(maps.Keys(fields))
		var words []string
		for _, k := range keys {
			words = append(words, fields[k])
		}
		msg = strings.Join(words, " ") + " Go back to change it."
	}
	if status == http.StatusNotFound {
		msg = "There is no page at this address, or the record it points to does not exist."
	}
	s.errorPage(w, r, status, title, msg)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return model.NotFound("web", "page")
}

type errorData struct {
	Status  int
	Heading string
	Message string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	v := s.view(r, heading, "")
	v.Data = errorData{Status: status, Heading: heading, Message: msg}
	if err := s.pages.Page(w, status, "error", &v); err != nil {
		s.Log.Error("rendering error page", "error", err)
		http.Error(w, heading, status)
	}
}
