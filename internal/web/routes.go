package web

import "github.com/openiop/openiop/internal/auth"

// routes is every HTML route, its method and the permission it needs: the
// whole surface of the web app at a glance. NewServer refuses a route
// without a permission, and a test walks this table with every role.
func (s *Server) routes() []route {
	return []route{
		// Public pages and sign-in.
		{Method: "GET", Pattern: "/{$}", Perm: auth.Public, Handle: s.landing},
		{Method: "GET", Pattern: "/login", Perm: auth.Public, Handle: s.loginPage},
		{Method: "POST", Pattern: "/login", Perm: auth.Public, Handle: s.login},
		{Method: "GET", Pattern: "/login/code", Perm: auth.Public, Handle: s.loginCodePage},
		{Method: "POST", Pattern: "/login/code", Perm: auth.Public, Handle: s.loginCode},
		{Method: "GET", Pattern: "/account/mfa", Perm: auth.SignedIn, Handle: s.mfaPage},
		{Method: "POST", Pattern: "/account/mfa", Perm: auth.SignedIn, Handle: s.mfaEnable},
		{Method: "POST", Pattern: "/account/mfa/recovery-codes", Perm: auth.SignedIn, Handle: s.mfaRecoveryCodes},
		{Method: "POST", Pattern: "/logout", Perm: auth.SignedIn, Handle: s.logout},

		// The public self-assessment and the consented inquiry it can send.
		{Method: "GET", Pattern: "/self-assessment", Perm: auth.Public, Handle: s.selfAssessNew},
		{Method: "POST", Pattern: "/self-assessment", Perm: auth.Public, Handle: s.selfAssessCreate},
		{Method: "POST", Pattern: "/inquiry", Perm: auth.Public, Handle: s.inquiryCreate},

		// The check-in kiosk: a client's arrival, confirmed by the facilitator.
		{Method: "GET", Pattern: "/checkin", Perm: auth.Public, Handle: s.kiosk},
		{Method: "POST", Pattern: "/checkin", Perm: auth.Public, Handle: s.kioskCheckIn},
		{Method: "GET", Pattern: "/checkin/desk", Perm: auth.CheckIn, Handle: s.checkInDesk},
		{Method: "POST", Pattern: "/checkin/desk", Perm: auth.CheckIn, Handle: s.checkInAtDesk},

		// Staff home.
		{Method: "GET", Pattern: "/home", Perm: auth.SignedIn, Handle: s.home},
		{Method: "POST", Pattern: "/notices/{nid}/read", Perm: auth.SignedIn, Handle: s.noticeRead},
		{Method: "GET", Pattern: "/account/api-tokens", Perm: auth.SignedIn, Handle: s.apiTokens},
		{Method: "POST", Pattern: "/account/api-tokens", Perm: auth.SignedIn, Handle: s.apiTokenCreate},
		{Method: "POST", Pattern: "/account/api-tokens/{hash}/revoke", Perm: auth.SignedIn, Handle: s.apiTokenRevoke},
		{Method: "POST", Pattern: "/account/sessions/{hash}/end", Perm: auth.SignedIn, Handle: s.sessionEnd},
		{Method: "POST", Pattern: "/account/sessions/end-others", Perm: auth.SignedIn, Handle: s.sessionsEndOthers},
		{Method: "POST", Pattern: "/account/password", Perm: auth.SignedIn, Handle: s.passwordChange},
		{Method: "POST", Pattern: "/account/calendar", Perm: auth.SignedIn, Handle: s.myFeedCreate},
		{Method: "POST", Pattern: "/account/calendar/revoke", Perm: auth.SignedIn, Handle: s.myFeedRevoke},

		// Clients.
		{Method: "GET", Pattern: "/clients", Perm: auth.SearchClients, Handle: s.clientList},
		{Method: "POST", Pattern: "/clients/search", Perm: auth.SearchClients, Handle: s.clientList},
		{Method: "GET", Pattern: "/clients/new", Perm: auth.CreateClient, Handle: s.clientNew},
		{Method: "POST", Pattern: "/clients", Perm: auth.CreateClient, Handle: s.clientCreate},
		{Method: "GET", Pattern: "/clients/{id}", Perm: auth.ViewClientHeader, Handle: s.clientShow},
		{Method: "GET", Pattern: "/clients/{id}/edit", Perm: auth.EditClient, Handle: s.clientEdit},
		{Method: "POST", Pattern: "/clients/{id}", Perm: auth.EditClient, Handle: s.clientUpdate},

		// The clinical record: measures, assessments, the episode of care.
		{Method: "GET", Pattern: "/clients/{id}/measures/new", Perm: auth.RecordClinical, Handle: s.measureNew},
		{Method: "POST", Pattern: "/clients/{id}/measures", Perm: auth.RecordClinical, Handle: s.measureCreate},
		{Method: "GET", Pattern: "/clients/{id}/measures/{mid}", Perm: auth.ViewClinical, Handle: s.measureShow},
		{Method: "POST", Pattern: "/clients/{id}/assignments", Perm: auth.RecordClinical, Handle: s.assignmentCreate},
		{Method: "POST", Pattern: "/clients/{id}/assignments/{asid}/cancel", Perm: auth.RecordClinical, Handle: s.assignmentCancel},
		{Method: "GET", Pattern: "/clients/{id}/safety-alerts/{alid}", Perm: auth.ViewClinical, Handle: s.safetyAlertShow},
		{Method: "POST", Pattern: "/clients/{id}/safety-alerts/{alid}", Perm: auth.RecordClinical, Handle: s.safetyAlertRespond},
		{Method: "GET", Pattern: "/safety-alerts", Perm: auth.ViewClinical, Handle: s.safetyAlerts},
		{Method: "GET", Pattern: "/measures/due", Perm: auth.ViewClinical, Handle: s.measuresDue},
		{Method: "GET", Pattern: "/clients/{id}/assessments/new", Perm: auth.RecordClinical, Handle: s.assessmentNew},
		{Method: "POST", Pattern: "/clients/{id}/assessments", Perm: auth.RecordClinical, Handle: s.assessmentCreate},
		{Method: "GET", Pattern: "/clients/{id}/assessments/{aid}", Perm: auth.ViewClinical, Handle: s.assessmentShow},
		{Method: "POST", Pattern: "/clients/{id}/assessments/{aid}/decision", Perm: auth.RecordClinical, Handle: s.assessmentDecide},
		{Method: "GET", Pattern: "/clients/{id}/admit", Perm: auth.AdmitClient, Handle: s.admitNew},
		{Method: "POST", Pattern: "/clients/{id}/episodes", Perm: auth.AdmitClient, Handle: s.admitCreate},
		{Method: "GET", Pattern: "/clients/{id}/episodes/{eid}", Perm: auth.ViewClinical, Handle: s.episodeShow},
		{Method: "GET", Pattern: "/clients/{id}/episodes/{eid}/change", Perm: auth.RecordClinical, Handle: s.changeNew},
		{Method: "POST", Pattern: "/clients/{id}/episodes/{eid}/change", Perm: auth.RecordClinical, Handle: s.changeCreate},
		{Method: "POST", Pattern: "/clients/{id}/episodes/{eid}/reviews", Perm: auth.RecordClinical, Handle: s.reviewCreate},
		{Method: "GET", Pattern: "/clients/{id}/episodes/{eid}/discharge", Perm: auth.RecordClinical, Handle: s.dischargeNew},
		{Method: "POST", Pattern: "/clients/{id}/episodes/{eid}/discharge", Perm: auth.RecordClinical, Handle: s.dischargeCreate},
		{Method: "GET", Pattern: "/clients/{id}/episodes/{eid}/summary", Perm: auth.ViewClinical, Handle: s.dischargeSummary},
		{Method: "GET", Pattern: "/reviews", Perm: auth.ViewClinical, Handle: s.reviewsDue},

		// Treatment plans: versions, signatures, reviews.
		{Method: "GET", Pattern: "/clients/{id}/plans", Perm: auth.ViewClinical, Handle: s.plansHome},
		{Method: "POST", Pattern: "/clients/{id}/plans", Perm: auth.RecordClinical, Handle: s.planStart},
		{Method: "GET", Pattern: "/clients/{id}/plans/{plid}", Perm: auth.ViewClinical, Handle: s.planShow},
		{Method: "POST", Pattern: "/clients/{id}/plans/{plid}", Perm: auth.RecordClinical, Handle: s.planSave},
		{Method: "POST", Pattern: "/clients/{id}/plans/{plid}/client-signature", Perm: auth.RecordClinical, Handle: s.planClientSign},
		{Method: "POST", Pattern: "/clients/{id}/plans/{plid}/supervisor-signature", Perm: auth.CoSignNotes, Handle: s.planSupervisorSign},
		{Method: "POST", Pattern: "/clients/{id}/plans/{plid}/reviews", Perm: auth.RecordClinical, Handle: s.planReview},
		{Method: "GET", Pattern: "/clients/{id}/plans/{plid}/changes", Perm: auth.ViewClinical, Handle: s.planChanges},
		{Method: "GET", Pattern: "/plans", Perm: auth.ViewClinical, Handle: s.plansDue},
		{Method: "GET", Pattern: "/clients/{id}/consents", Perm: auth.ManageConsents, Handle: s.consents},
		{Method: "POST", Pattern: "/clients/{id}/consents", Perm: auth.ManageConsents, Handle: s.consentCreate},
		{Method: "GET", Pattern: "/clients/{id}/consents/{cid}", Perm: auth.ManageConsents, Handle: s.consentShow},
		{Method: "POST", Pattern: "/clients/{id}/consents/{cid}/revoke", Perm: auth.ManageConsents, Handle: s.consentRevoke},
		{Method: "GET", Pattern: "/clients/{id}/disclosures", Perm: auth.ManageConsents, Handle: s.disclosures},
		{Method: "GET", Pattern: "/clients/{id}/disclosures/{did}", Perm: auth.DiscloseRecords, Handle: s.disclosureShow},
		{Method: "GET", Pattern: "/clients/{id}/release", Perm: auth.DiscloseRecords, Handle: s.releaseForm},
		{Method: "GET", Pattern: "/clients/{id}/care-team", Perm: auth.ManageCareTeams, Handle: s.careTeam},
		{Method: "POST", Pattern: "/clients/{id}/care-team", Perm: auth.ManageCareTeams, Handle: s.careTeamAdd},
		{Method: "POST", Pattern: "/clients/{id}/care-team/{uid}/remove", Perm: auth.ManageCareTeams, Handle: s.careTeamRemove},
		{Method: "GET", Pattern: "/emergency-access", Perm: auth.EmergencyAccess, Handle: s.emergencyForm},
		{Method: "POST", Pattern: "/emergency-access", Perm: auth.EmergencyAccess, Handle: s.emergencyGrant},
		{Method: "POST", Pattern: "/emergency-access/{gid}/review", Perm: auth.ManageCareTeams, Handle: s.emergencyReview},
		{Method: "POST", Pattern: "/admin/care-team-access", Perm: auth.ManageSettings, Handle: s.careTeamRule},
		{Method: "POST", Pattern: "/admin/mfa-required", Perm: auth.ManageSettings, Handle: s.mfaRequired},
		{Method: "POST", Pattern: "/admin/users/{id}/mfa-reset", Perm: auth.ManageUsers, Handle: s.mfaReset},
		{Method: "POST", Pattern: "/clients/{id}/release", Perm: auth.DiscloseRecords, Handle: s.releaseCreate},
		{Method: "GET", Pattern: "/clients/{id}/relapse-plan", Perm: auth.ViewClinical, Handle: s.relapsePlan},
		{Method: "POST", Pattern: "/clients/{id}/relapse-plan", Perm: auth.RecordClinical, Handle: s.relapseSave},
		{Method: "GET", Pattern: "/clients/{id}/relapse-plan/card", Perm: auth.ViewClinical, Handle: s.relapseCard},

		// A client's schedule: groups, availability, appointments, calendar feed.
		{Method: "GET", Pattern: "/clients/{id}/schedule", Perm: auth.ViewClientHeader, Handle: s.clientSchedule},
		{Method: "POST", Pattern: "/clients/{id}/enrolments", Perm: auth.ManageSchedule, Handle: s.enrolmentCreate},
		{Method: "POST", Pattern: "/clients/{id}/enrolments/{gid}/remove", Perm: auth.ManageSchedule, Handle: s.enrolmentRemove},
		{Method: "POST", Pattern: "/clients/{id}/availability", Perm: auth.ManageSchedule, Handle: s.availabilitySave},
		{Method: "POST", Pattern: "/clients/{id}/appointments", Perm: auth.ManageSchedule, Handle: s.appointmentCreate},
		{Method: "POST", Pattern: "/clients/{id}/appointments/{apid}/cancel", Perm: auth.ManageSchedule, Handle: s.appointmentCancel},
		{Method: "POST", Pattern: "/clients/{id}/appointments/{apid}/no-show", Perm: auth.ManageSchedule, Handle: s.appointmentNoShow},
		{Method: "GET", Pattern: "/clients/{id}/appointments/{apid}/note", Perm: auth.RecordClinical, Handle: s.sessionNote},
		{Method: "POST", Pattern: "/clients/{id}/appointments/{apid}/note", Perm: auth.RecordClinical, Handle: s.sessionNoteSave},
		{Method: "POST", Pattern: "/clients/{id}/appointments/{apid}/note/addendum", Perm: auth.RecordClinical, Handle: s.sessionNoteAddendum},
		{Method: "POST", Pattern: "/clients/{id}/appointments/{apid}/note/cosign", Perm: auth.CoSignNotes, Handle: s.sessionNoteCoSign},
		{Method: "POST", Pattern: "/clients/{id}/calendar", Perm: auth.ManageSchedule, Handle: s.clientFeedCreate},
		{Method: "POST", Pattern: "/clients/{id}/calendar/revoke", Perm: auth.ManageSchedule, Handle: s.clientFeedRevoke},

		// The admissions board.
		{Method: "GET", Pattern: "/inquiries", Perm: auth.ManageInquiries, Handle: s.inquiryList},
		{Method: "GET", Pattern: "/inquiries/{qid}", Perm: auth.ManageInquiries, Handle: s.inquiryShow},
		{Method: "POST", Pattern: "/inquiries/{qid}", Perm: auth.ManageInquiries, Handle: s.inquiryUpdate},
		{Method: "POST", Pattern: "/inquiries/{qid}/contacts", Perm: auth.ManageInquiries, Handle: s.contactCreate},
		{Method: "GET", Pattern: "/inquiries/{qid}/admit", Perm: auth.ManageInquiries, Handle: s.inquiryAdmitNew},
		{Method: "POST", Pattern: "/inquiries/{qid}/admit", Perm: auth.ManageInquiries, Handle: s.inquiryAdmit},

		// Program structure (no client data).
		{Method: "GET", Pattern: "/program", Perm: auth.ViewProgram, Handle: s.programShow},
		{Method: "POST", Pattern: "/program/{pid}/review-interval", Perm: auth.ManagePrograms, Handle: s.programReviewInterval},
		{Method: "POST", Pattern: "/program/{pid}/accountability", Perm: auth.ManagePrograms, Handle: s.programAccountability},
		{Method: "POST", Pattern: "/program/{pid}/plan-cadence", Perm: auth.ManagePrograms, Handle: s.programPlanCadence},
		{Method: "POST", Pattern: "/program/{pid}/measure-schedule", Perm: auth.ManagePrograms, Handle: s.measureScheduleSet},
		{Method: "POST", Pattern: "/program/{pid}/measure-schedule/{code}/remove", Perm: auth.ManagePrograms, Handle: s.measureScheduleRemove},
		{Method: "POST", Pattern: "/program/{pid}/tracks", Perm: auth.ManagePrograms, Handle: s.trackCreate},
		{Method: "GET", Pattern: "/program/tracks/{tid}", Perm: auth.ViewProgram, Handle: s.trackShow},
		{Method: "POST", Pattern: "/program/tracks/{tid}/groups", Perm: auth.ManagePrograms, Handle: s.seriesCreate},
		{Method: "POST", Pattern: "/program/groups/{gid}/occurrences", Perm: auth.ManagePrograms, Handle: s.occurrenceChange},
		{Method: "POST", Pattern: "/program/groups/{gid}/end", Perm: auth.ManagePrograms, Handle: s.seriesEnd},
		{Method: "POST", Pattern: "/program/groups/{gid}/capacity", Perm: auth.ManagePrograms, Handle: s.seriesCapacity},
		{Method: "POST", Pattern: "/program/closures", Perm: auth.ManagePrograms, Handle: s.closureCreate},
		{Method: "GET", Pattern: "/program/groups/{gid}/attendance", Perm: auth.RecordAttendance, Handle: s.attendanceShow},
		{Method: "POST", Pattern: "/program/groups/{gid}/attendance", Perm: auth.RecordAttendance, Handle: s.attendanceSave},
		{Method: "POST", Pattern: "/clients/{id}/alerts/ack", Perm: auth.RecordAttendance, Handle: s.alertAck},
		{Method: "GET", Pattern: "/alerts", Perm: auth.RecordAttendance, Handle: s.alertsPage},
		{Method: "POST", Pattern: "/clients/{id}/screens", Perm: auth.RecordClinical, Handle: s.screenCreate},
		{Method: "GET", Pattern: "/program/groups/{gid}/note", Perm: auth.RecordClinical, Handle: s.groupNote},
		{Method: "POST", Pattern: "/program/groups/{gid}/note", Perm: auth.RecordClinical, Handle: s.groupNoteSave},
		{Method: "POST", Pattern: "/program/groups/{gid}/note/addendum", Perm: auth.RecordClinical, Handle: s.groupNoteAddendum},
		{Method: "POST", Pattern: "/program/groups/{gid}/note/cosign", Perm: auth.CoSignNotes, Handle: s.groupNoteCoSign},
		{Method: "GET", Pattern: "/notes/pending", Perm: auth.RecordClinical, Handle: s.notesPending},
		{Method: "GET", Pattern: "/reports/billable-days", Perm: auth.ViewBilling, Handle: s.billableDays},
		{Method: "GET", Pattern: "/schedule", Perm: auth.ViewSchedule, Handle: s.weekView},
		{Method: "POST", Pattern: "/schedule/room-calendar", Perm: auth.ManagePrograms, Handle: s.roomFeedCreate},

		// Administration.
		{Method: "GET", Pattern: "/admin/users", Perm: auth.ManageUsers, Handle: s.userList},
		{Method: "POST", Pattern: "/admin/users", Perm: auth.ManageUsers, Handle: s.userCreate},
		{Method: "POST", Pattern: "/admin/users/{id}", Perm: auth.ManageUsers, Handle: s.userUpdate},
		{Method: "GET", Pattern: "/admin/audit", Perm: auth.ViewAuditLog, Handle: s.auditLog},
		{Method: "GET", Pattern: "/admin/privacy", Perm: auth.ViewAuditLog, Handle: s.privacyReport},
		{Method: "GET", Pattern: "/admin/instruments", Perm: auth.ManageInstruments, Handle: s.instrumentList},
		{Method: "POST", Pattern: "/admin/instruments/{code}", Perm: auth.ManageInstruments, Handle: s.instrumentUpdate},

		// Operations and assets: no session is looked up.
		// Private calendar feeds: the unguessable token in the address is the credential.
		{Method: "GET", Pattern: "/calendar/{token}", Perm: auth.Public, Handle: s.calendarFeed, NoSession: true},

		{Method: "GET", Pattern: "/healthz", Perm: auth.Public, Handle: s.healthz, NoSession: true},
		{Method: "GET", Pattern: "/readyz", Perm: auth.Public, Handle: s.readyz, NoSession: true},
		{Method: "GET", Pattern: "/metrics", Perm: auth.Public, Handle: s.metrics, NoSession: true},
		{Method: "GET", Pattern: "/static/{version}/{path...}", Perm: auth.Public, Handle: s.serveStatic, NoSession: true},
	}
}
