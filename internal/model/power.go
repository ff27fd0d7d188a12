package model

// PowerState is the power state of a running replica, as soberana set it.
// The workload service is its one writer and moves it by its transition
// table (workload.PowerTransitions).
type PowerState string

// Power states. Stopping, starting and rebooting last while the provider
// acts; a replica whose provider refused goes back to where it was.
const (
	PowerRunning   PowerState = "running"
	PowerStopping  PowerState = "stopping"
	PowerStopped   PowerState = "stopped"
	PowerStarting  PowerState = "starting"
	PowerRebooting PowerState = "rebooting"
)

// PowerStates lists every power state.
var PowerStates = []PowerState{PowerRunning, PowerStopping, PowerStopped, PowerStarting, PowerRebooting}

// EnumValues is the closed set (the OpenAPI enum).
func (PowerState) EnumValues() []string { return Names(PowerStates) }

// Or returns p, or running when p is empty (rows made before power states).
func (p PowerState) Or() PowerState {
	if p == "" {
		return PowerRunning
	}
	return p
}

// Off reports whether a replica in state p is powered off (stopped, or
// not yet started again): it is metered at the stopped price.
func (p PowerState) Off() bool { return p == PowerStopped || p == PowerStarting }

// Address is one address of a replica as its provider reports it.
type Address struct {
	// Network is the provider's name of the network (Nova's key).
	Network string `json:"network,omitempty"`
	Address string `json:"address"`
	// Version is 4 or 6.
	Version int `json:"version,omitempty"`
	// Kind is fixed or floating.
	Kind string `json:"kind,omitempty"`
}

// Address kinds.
const (
	AddressFixed    = "fixed"
	AddressFloating = "floating"
)
