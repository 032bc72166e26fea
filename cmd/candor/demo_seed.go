package main

import (
	"time"

	"github.com/candor-dev/candor"
)

// The seed case: Kawasaki Heavy Industries' statement of 28 December 2020,
// "Concerning Unauthorized Access to Kawasaki Group". It is compiled in,
// so the demo needs nothing but the binary.

func seedDate(m time.Month, d int) time.Time { return time.Date(2020, m, d, 0, 0, 0, 0, time.UTC) }

func seedIncident() candor.Incident {
	determined := seedDate(time.June, 15) // "Confirmed a possibility of data breach to external parties"
	malicious := true
	return candor.Incident{
		Title: "Unauthorized access to Kawasaki Group",
		Summary: "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an " +
			"overseas office (Thailand) that should not have occurred. Within the same day, communication between " +
			"that office and the Japan office was terminated. Other unauthorized accesses to servers in Japan from " +
			"overseas sites in Indonesia, the Philippines and the United States were subsequently discovered. An " +
			"investigation with an independent external security specialist firm found that information of unknown " +
			"content may have been leaked to a third party; no evidence has been found that personal information " +
			"leaked to external parties.",
		DiscoveredAt:    seedDate(time.June, 11),
		DeterminedAt:    &determined,
		Severity:        "high",
		Cause:           "unauthorized_access",
		Malicious:       &malicious,
		DataCategories:  []string{"name", "email"},
		ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki Heavy Industries, Ltd.", Country: "JP"},
	}
}

// seedEvents is the statement's course of events. Entries the statement
// dates "onward" carry the day they began.
var seedEvents = []struct {
	on          time.Time
	description string
}{
	{seedDate(time.June, 11), "Identified unauthorized access from an overseas office in Thailand by an internal system audit of the Japan office"},
	{seedDate(time.June, 11), "Terminated the internal network between the overseas office in Thailand and the Japan office"},
	{seedDate(time.June, 11), "Initiated an investigation to determine the scope and target of the intrusion"},
	{seedDate(time.June, 15), "Confirmed a possibility of data breach to external parties through the overseas office in Thailand"},
	{seedDate(time.June, 16), "Confirmed unauthorized access from the overseas office in Thailand to multiple servers in the Japan data center"},
	{seedDate(time.June, 24), "Confirmed unauthorized accesses from other overseas offices in Indonesia and the Philippines to the Japan office"},
	{seedDate(time.June, 24), "Cut off the connection between both overseas offices and the Japan office"},
	{seedDate(time.July, 8), "Confirmed suspicious unauthorized accesses from the overseas office in the United States to the Japan office"},
	{seedDate(time.July, 8), "Added further restrictions to the network between the overseas office in the United States and the Japan office"},
	{seedDate(time.August, 3), "Began enhanced network communication restrictions at all overseas offices and the Japan office"},
	{seedDate(time.August, 3), "Began a thorough security soundness inspection of approximately 26,000 terminals in the Japan and Thailand networks (normalization confirmed by the end of October)"},
	{seedDate(time.October, 5), "Began a thorough security soundness inspection of approximately 3,000 terminals in the overseas office networks where breaches possibly occurred, excluding Thailand (eradication confirmed by the end of November)"},
	{seedDate(time.October, 30), "Confirmed by continuous network monitoring that no further unauthorized access to the Japan office had occurred after August"},
	{seedDate(time.November, 1), "Established the Cyber Security Group under the direct control of the corporate president"},
	{seedDate(time.November, 30), "Restored the network communication between the overseas offices and the Japan office"},
	{seedDate(time.December, 21), "Confirmed, by monitoring network traffic after the restricted overseas offices were reconnected, that there were no suspicious transactions or activities from them"},
}

// seedDrafts is one draft of each kind, created from the default templates.
var seedDrafts = []struct {
	kind      candor.DisclosureKind
	title     string
	regulator *candor.Regulator
}{
	{candor.KindCustomerNotice, "Notice to customers who may have been affected", nil},
	{candor.KindRegulatorReport, "Report to the data protection authority (JP)", &candor.Regulator{Jurisdiction: "JP", Email: "breach-reports@example.com"}},
	{candor.KindPublicStatement, "Concerning Unauthorized Access to Kawasaki Group", nil},
}
