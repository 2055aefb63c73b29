package notify

import (
	"strconv"
	"strings"
	"time"
)

// Key names one logical push: the outbox stores a key once, so whatever
// produces the same push again (a retry, a second instance, a repeated
// command) sends nothing twice. Keys are built only by the constructors
// below, one per producer; their strings are stored in the outbox (and,
// for alerts, in the users' inboxes), so a constructor's format never
// changes.
type Key struct{ s string }

// String is the key as the outbox stores it.
func (k Key) String() string { return k.s }

// IsZero reports whether k was built by no constructor.
func (k Key) IsZero() bool { return k.s == "" }

// MatchAlertKey is the alert to openid of the match between a demand and
// an offer (each side of the pair gets its own).
func MatchAlertKey(demandID, offerID, openid string) Key {
	return Key{"match:" + demandID + ":" + offerID + ":" + openid}
}

// SubscriptionAlertKey is the alert to openid of a new record that fits
// one of their subscriptions.
func SubscriptionAlertKey(recordID, openid string) Key {
	return Key{"sub:" + recordID + ":" + openid}
}

// DigestKey is the user's part-th digest (from 1) of the alerts over the
// daily cap on day (yyyymmdd, China time).
func DigestKey(openid, day string, part int) Key {
	key := "digest:" + openid + ":" + day
	if part > 1 {
		key += ":" + strconv.Itoa(part)
	}
	return Key{key}
}

// ContactRequestKey is the request of contact request no to the record's
// owner.
func ContactRequestKey(no int64) Key { return contactKey(no, "ask") }

// ContactUndeliveredKey tells the requester of contact request no that
// the owner cannot be reached now, and when they will see the request.
func ContactUndeliveredKey(no int64) Key { return contactKey(no, "undelivered") }

// ContactRequestNo returns the request number of a ContactRequestKey.
func ContactRequestNo(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "contact:")
	if !ok {
		return 0, false
	}
	n, ok := strings.CutSuffix(rest, ":ask")
	if !ok {
		return 0, false
	}
	no, err := strconv.ParseInt(n, 10, 64)
	return no, err == nil
}

// ContactDeclinedKey tells the requester of contact request no that the
// owner declined.
func ContactDeclinedKey(no int64) Key { return contactKey(no, "declined") }

// ContactExpiredKey tells the requester of contact request no that it
// expired unanswered.
func ContactExpiredKey(no int64) Key { return contactKey(no, "expired") }

// ContactExchangeToRequesterKey sends the requester of the accepted
// contact request no the owner's contact.
func ContactExchangeToRequesterKey(no int64) Key { return contactKey(no, "accepted:requester") }

// ContactExchangeToOwnerKey sends the owner of the accepted contact
// request no the requester's contact.
func ContactExchangeToOwnerKey(no int64) Key { return contactKey(no, "accepted:owner") }

func contactKey(no int64, what string) Key {
	return Key{"contact:" + strconv.FormatInt(no, 10) + ":" + what}
}

// ReplyFollowUpKey is the customer-service message carrying a reply that
// missed WeChat's deadline; replyKey identifies the message answered.
func ReplyFollowUpKey(replyKey string) Key { return Key{"reply:" + replyKey} }

// TaskForceNoticeKey is the notice to one member of the task force
// (admin) that pushes of a kind failed with code on day (yyyymmdd, China
// time): one a day per code, kind and member.
func TaskForceNoticeKey(code int, pushKind, day, admin string) Key {
	return Key{"giveup:" + strconv.Itoa(code) + ":" + pushKind + ":" + day + ":" + admin}
}

// ExpiryReminderKey asks the owner of a record expiring at expiresAt
// whether it is still needed; a renewed record has a new expiry and is
// reminded again.
func ExpiryReminderKey(recordID string, expiresAt time.Time) Key {
	return Key{"remind:" + recordID + ":" + strconv.FormatInt(expiresAt.Unix(), 10)}
}

// HelpDeskAnswerKey is the n-th answer of the task force to help-desk
// ticket ticketID.
func HelpDeskAnswerKey(ticketID string, n int) Key {
	return Key{"helpdesk:" + ticketID + ":" + strconv.Itoa(n)}
}

// BroadcastChunkKey is chunk n (from 0) of the audience of broadcast
// jobID; as a mass send's clientmsgid it must stay within 64 bytes, which
// the push workers ensure by hashing longer keys.
func BroadcastChunkKey(jobID string, n int) Key {
	return Key{"broadcast:" + jobID + ":" + strconv.Itoa(n)}
}

// VerificationResultKey tells a contact (openid) of an enterprise the
// outcome of its verification request number n.
func VerificationResultKey(enterpriseID string, n int64, openid string) Key {
	return Key{"verify:" + enterpriseID + ":" + strconv.FormatInt(n, 10) + ":" + openid}
}

// TakeDownNoticeKey tells the owner of a record why the task force took it
// down at at.
func TakeDownNoticeKey(recordID string, at time.Time) Key {
	return Key{"takedown:" + recordID + ":" + strconv.FormatInt(at.Unix(), 10)}
}

// RestoreNoticeKey tells the owner of a record taken down that the task
// force restored it at at.
func RestoreNoticeKey(recordID string, at time.Time) Key {
	return Key{"restore:" + recordID + ":" + strconv.FormatInt(at.Unix(), 10)}
}

// HelpDeskTicketKey tells a member of the task force (member) of message
// n (from 1) of help-desk ticket ticketID.
func HelpDeskTicketKey(ticketID string, n int, member string) Key {
	return Key{"helpdesk-ticket:" + ticketID + ":" + strconv.Itoa(n) + ":" + member}
}

// JoinNoticeKey tells a contact (colleague) of an enterprise that
// newcomer joined it with its invite code.
func JoinNoticeKey(enterpriseID, newcomer, colleague string) Key {
	return Key{"join:" + enterpriseID + ":" + newcomer + ":" + colleague}
}

// ColleagueRemovedKey tells the user removed from an enterprise by a
// colleague at at.
func ColleagueRemovedKey(enterpriseID, openid string, at time.Time) Key {
	return Key{"removed:" + enterpriseID + ":" + openid + ":" + strconv.FormatInt(at.Unix(), 10)}
}

// DisputeResultKey tells a party (openid) of name dispute disputeID how
// the task force settled it.
func DisputeResultKey(disputeID, openid string) Key {
	return Key{"dispute:" + disputeID + ":" + openid}
}

// BroadcastPreviewKey is the preview of broadcast jobID to the task-force
// member (openid) who wrote it.
func BroadcastPreviewKey(jobID, openid string) Key {
	return Key{"broadcast-preview:" + jobID + ":" + openid}
}

// BroadcastMemberKey is broadcast jobID to one member by customer-service
// message (small segments, or an account without mass send).
func BroadcastMemberKey(jobID, openid string) Key {
	return Key{"broadcast-push:" + jobID + ":" + openid}
}

// BroadcastReportKey is the report of broadcast jobID to openid at its end.
func BroadcastReportKey(jobID, openid string) Key {
	return Key{"broadcast-report:" + jobID + ":" + openid}
}
