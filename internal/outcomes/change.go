package outcomes

// Direction is how a client's scores on an instrument moved from their
// first to their latest in the episode, by the instrument's reliable-change
// threshold (TalkingTherapies): a change smaller than it could be noise.
type Direction string

// The directions.
const (
	Improving Direction = "improving"
	Stable    Direction = "stable"
	Worse     Direction = "worse"
)

// ChangeOf says how a score moved from first to latest on an instrument
// (higher is worse on both). ok is false for an instrument without a
// cited reliable-change threshold: nothing is said about those.
func ChangeOf(code string, first, latest int) (d Direction, threshold int, ok bool) {
	for _, ins := range Instruments {
		if ins.Code != code {
			continue
		}
		switch delta := latest - first; {
		case -delta >= ins.Reliable:
			return Improving, ins.Reliable, true
		case delta >= ins.Reliable:
			return Worse, ins.Reliable, true
		}
		return Stable, ins.Reliable, true
	}
	return "", 0, false
}
