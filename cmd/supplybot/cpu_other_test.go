//go:build !unix

package main

import "time"

// processCPU is unknown here: the benchmarks report 0 CPU per message.
func processCPU() time.Duration { return 0 }
