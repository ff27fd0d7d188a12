package model

import (
	"errors"
	"testing"
)

// TestOperationTablesRefuseIllegalMoves: each state's SetState refuses a
// move its table does not allow, leaves the state as it was, and names
// the move; a legal move is made.
func TestOperationTablesRefuseIllegalMoves(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, err error, of, from, to string) {
		t.Helper()
		var se *StateMoveError
		if !errors.As(err, &se) || se.Of != of || se.From != from || se.To != to {
			t.Fatalf("got %v, want a refused %s move %s → %s", err, of, from, to)
		}
	}

	m := Migration{State: MigrationDone}
	check(t, m.SetState(MigrationRolledBack), "migration", "done", "rolled_back")
	check(t, m.SetState(MigrationRunning), "migration", "done", "running")
	if m.State != MigrationDone {
		t.Fatalf("a refused move changed the state to %s", m.State)
	}
	m = Migration{State: MigrationRunning}
	if err := m.SetState(MigrationRolledBack); err != nil || m.State != MigrationRolledBack {
		t.Fatalf("running → rolled_back: %v, %s", err, m.State)
	}

	e := Evacuation{State: EvacuationDone}
	check(t, e.SetState(EvacuationRunning), "evacuation", "done", "running")
	e = Evacuation{State: EvacuationRunning}
	if err := e.SetState(EvacuationDone); err != nil || e.State != EvacuationDone {
		t.Fatalf("running → done: %v, %s", err, e.State)
	}

	a := Alert{State: AlertState("")}
	check(t, a.SetState(AlertResolved), "alert", "", "resolved")
	a = Alert{State: AlertResolved}
	if err := a.SetState(AlertFiring); err != nil || a.State != AlertFiring {
		t.Fatalf("resolved → firing (fires again): %v, %s", err, a.State)
	}

	d := AlertDelivery{State: DeliveryDead}
	check(t, d.SetState(DeliveryDelivered), "delivery", "dead", "delivered")
	check(t, d.SetState(DeliveryPending), "delivery", "dead", "pending")
	d = AlertDelivery{State: DeliveryDelivered}
	check(t, d.SetState(DeliveryDead), "delivery", "delivered", "dead")
	d = AlertDelivery{State: DeliveryPending}
	if err := d.SetState(DeliveryPending); err != nil { // a retry stays pending
		t.Fatalf("pending → pending: %v", err)
	}
	if err := d.SetState(DeliveryDead); err != nil || d.State != DeliveryDead {
		t.Fatalf("pending → dead: %v, %s", err, d.State)
	}
}

// TestOperationTablesCoverEveryState: every state of each list is in its
// table or final, and the table names no state outside the list.
func TestOperationTablesCoverEveryState(t *testing.T) {
	t.Parallel()
	closed := func(t *testing.T, name string, states []string, table map[string][]string) {
		t.Helper()
		known := map[string]bool{}
		for _, s := range states {
			known[s] = true
		}
		for from, tos := range table {
			if !known[from] {
				t.Errorf("%s table moves from unknown state %q", name, from)
			}
			for _, to := range tos {
				if !known[to] {
					t.Errorf("%s table moves to unknown state %q", name, to)
				}
			}
		}
	}
	closed(t, "migration", Names(MigrationStates), strTable(MigrationTransitions))
	closed(t, "evacuation", Names(EvacuationStates), strTable(EvacuationTransitions))
	closed(t, "alert", Names(AlertStates), strTable(AlertTransitions))
	closed(t, "delivery", Names(DeliveryStates), strTable(DeliveryTransitions))
}

func strTable[S ~string](t StateTable[S]) map[string][]string {
	out := map[string][]string{}
	for from, tos := range t {
		out[string(from)] = Names(tos)
	}
	return out
}
