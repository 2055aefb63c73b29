// Package console is the task force's web console and JSON API: the HTML
// and JSON front end of the same task-force and broadcast services the
// chat commands use (one implementation of 通过, 下架, 群发, 统计; two
// front ends).
//
// It declares the services it consumes (deps.go) and is wired to the real
// ones by cmd/supplybot. It imports bot, store and the record vocabulary
// (handlers/record); never the conversation (package handlers).
// Everything it serves (CSS, JS, the QR code) comes from the bot itself.
package console
