package console

// verifyChain checks the hash chain the console was shown: every event's
// hash covers its fields and its predecessor's hash, and the sequence has
// no gaps. A caller who sees only part of the log (an institution admin)
// gets each event's own hash checked and partial=true.
func verifyChain(evs []auditEvent) (ok, partial bool, brokenAt int64, problem string) {
	for i, e := range evs {
		if e.ComputeHash() != e.Hash {
			return false, partial, e.Seq, "hash"
		}
		if i == 0 {
			partial = e.Seq != 1
			continue
		}
		prev := evs[i-1]
		if e.Seq != prev.Seq+1 {
			partial = true
			continue
		}
		if e.PrevHash != prev.Hash {
			return false, partial, e.Seq, "link"
		}
	}
	return true, partial, 0, ""
}
