// Package handlers is the supply–demand conversation of supplybot:
// registration, posting flows, search, records, matching, subscriptions,
// contact brokering and the task force's commands. It speaks to users in
// Simplified Chinese and registers its routes on a bot.Router.
//
// It imports bot and store; neither imports it.
package handlers
