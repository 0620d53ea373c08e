package consent

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// NoticeVersion names the text of Notice, recorded with every disclosure so
// that a later change of wording does not rewrite what was sent.
const NoticeVersion = "2.32-2024"

// Notice is §2.32(a)(1) "Statement 1" of the 2024 rule (89 FR 12472), which
// every disclosure made with written consent carries. The text up to the
// colon is confirmed against the published section; the three conditions
// and the closing sentence follow the 2024 final rule and are to be checked
// against eCFR before each release (docs/clinical.md, "Consents").
var Notice = []string{
	"This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). " +
		"These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this record, " +
		"in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against the patient, " +
		"unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance " +
		"with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless " +
		"at least one of the following applies:",
	"(i) Further use or disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2.",
	"(ii) You are a covered entity or business associate and have received the record for treatment, payment, or health care operations, or",
	"(iii) You have received the record from a covered entity or business associate as permitted by 45 CFR part 164, subparts A and E.",
	"A general authorization for the release of medical or other information is NOT sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).",
}

// NoticeText is the notice as one block of text, for plain-text channels
// (API headers and bodies, exports).
func NoticeText() string { return strings.Join(Notice, " ") }

// ShortNotice is §2.32(a)(2) "Statement 2", for pages printed for the
// program's own use or the client's own copy.
const ShortNotice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

// Scope is the clear explanation of a consent's scope that §2.32(b) asks to
// accompany a disclosure in place of a copy of the consent.
func (c Consent) Scope() string {
	signer := c.SignerName
	if c.SignerAuthority != SignerClient {
		signer += " (" + c.SignerAuthority + ")"
	}
	return fmt.Sprintf("Disclosed with the written consent of %s, signed by %s on %s. Recipient: %s. Purpose: %s. Information: %s. Expires: %s. The consent may be revoked in writing at any time, except for disclosures already made in reliance on it.",
		c.ClientName, signer, c.SignedOn.Format("January 2, 2006"), c.RecipientLabel(), c.PurposeLabel(),
		strings.Join(CategoryLabels(c.Categories), "; "), strings.ToLower(c.ExpiryLabel()))
}

// Covers reports whether the consent names the category code.
func (c Consent) Covers(code string) bool { return slices.Contains(c.Categories, code) }

// CategoryNames are the labels of the information the consent covers.
func (c Consent) CategoryNames() []string { return CategoryLabels(c.Categories) }

// RecipientLabel is the recipient with its detail.
func (c Consent) RecipientLabel() string {
	if strings.TrimSpace(c.Recipient.Detail) == "" {
		return c.Recipient.Name
	}
	return c.Recipient.Name + " (" + c.Recipient.Detail + ")"
}

// Disclosure channels: how the information left the program.
const (
	ChannelPrint  = "print"  // a printed or PDF release packet
	ChannelAPI    = "api"    // a read by an outside system through the API
	ChannelFHIR   = "fhir"   // a FHIR read by an outside system
	ChannelPortal = "portal" // a family member's portal view
	ChannelExport = "export" // a file export
)

// ChannelLabel is how a channel reads in the accounting.
func ChannelLabel(ch string) string {
	switch ch {
	case ChannelPrint:
		return "Printed release"
	case ChannelAPI:
		return "Outside system (API)"
	case ChannelFHIR:
		return "Outside system (FHIR)"
	case ChannelPortal:
		return "Family portal"
	case ChannelExport:
		return "File export"
	}
	return ch
}

// Disclosure is one disclosure made, as the accounting of disclosures lists
// it: date and time, recipient, purpose, the information, the consent used,
// who made it, and the notice that went with it.
type Disclosure struct {
	ID          string
	ClientID    string
	ConsentID   string
	Recipient   string
	Purpose     string
	Categories  []string
	Channel     string
	Description string
	Notice      string // NoticeVersion at the time
	Packet      Packet // what was sent, for printed releases
	ByID        string
	ByName      string
	At          time.Time
}
