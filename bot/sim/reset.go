package sim

// Reset forgets the simulated users: followers, the pushes they received
// and the de-duplication records of template and mass messages. Tokens,
// tags and the menu stay, as they belong to the account. Open event
// streams end; a reconnecting page starts from the first push after the
// reset. The followers file, if any, is written empty.
func (s *Server) Reset() {
	s.mu.Lock()
	clear(s.users)
	s.pushes = nil
	clear(s.templateSent)
	clear(s.massSent)
	h := &s.events
	h.published = 0
	h.epoch++
	for sub := range h.subs {
		if !sub.closed {
			sub.closed = true
			close(sub.ch)
		}
	}
	if s.opts.StateFile != "" {
		s.saved = map[string]savedUser{}
	}
	s.mu.Unlock()
	_ = s.SaveState() // logged by SaveState
}
