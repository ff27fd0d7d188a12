package model

import (
	"fmt"
	"slices"
)

// StateTable is a transition table: each state and the states it may move
// to. A state with no entry is final. Staying in a state is not a move and
// is always allowed.
type StateTable[S ~string] map[S][]S

// Allows reports whether the table lets something move from one state to
// another.
func (t StateTable[S]) Allows(from, to S) bool {
	return from == to || slices.Contains(t[from], to)
}

// Move sets *cur to to when the table allows it, and otherwise leaves it
// and returns a *StateMoveError naming what (of) tried to move.
func (t StateTable[S]) Move(of string, cur *S, to S) error {
	if !t.Allows(*cur, to) {
		return &StateMoveError{Of: of, From: string(*cur), To: string(to)}
	}
	*cur = to
	return nil
}

// StateMoveError is a move a transition table does not allow: a bug in
// the caller, or a state read before another writer moved it.
type StateMoveError struct {
	// Of is what moved: "migration", "evacuation", "alert", "delivery".
	Of       string
	From, To string
}

func (e *StateMoveError) Error() string {
	return fmt.Sprintf("%s: no transition from %q to %q", e.Of, e.From, e.To)
}
