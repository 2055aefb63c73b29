package alerts

// FinishContacts is finishContacts, for tests (the lifecycle sweep runs it).
var FinishContacts = (*Service).finishContacts
