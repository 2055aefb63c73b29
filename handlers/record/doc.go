// Package record is the vocabulary of a supply or demand record: the name
// of its kind, China's time zone, the Chinese formatters of its quantity,
// price, date and region, and its JSON view. The chat, the alerts, the
// /r/ page and the console all speak it, so that one record reads the
// same wherever it is shown.
//
// It is a leaf: it imports store for the record types and nothing else of
// the project (parse imports it for the zone, so it must never import
// parse or handlers).
package record
