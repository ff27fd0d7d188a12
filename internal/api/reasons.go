package api

import (
	"sync"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/workload"
)

// reasonsMax bounds the rendered reasons kept; when full the memo starts
// again.
const reasonsMax = 4096

// reasons memoizes stored reasons (workload.Enc: a message key and its
// arguments as JSON) rendered in a language. A workload's view renders
// the reason of the workload, of each replica and of each timeline event,
// each a JSON decode and a catalog lookup, and the same few reasons
// ("placed at …", "approved by …") recur across workloads: the memo makes
// a repeated one a map lookup. Rendering depends only on the stored text
// and the language (the catalogs are fixed at start).
var reasons struct {
	mu sync.RWMutex
	m  map[reasonKey]string
}

type reasonKey struct {
	lang   i18n.Lang
	stored string
}

// renderReason is workload.Decode(stored).Render(lang), memoized.
func renderReason(stored string, lang i18n.Lang) string {
	if len(stored) == 0 || stored[0] != '{' {
		return stored // free text renders as itself
	}
	k := reasonKey{lang, stored}
	reasons.mu.RLock()
	out, ok := reasons.m[k]
	reasons.mu.RUnlock()
	if ok {
		return out
	}
	out = workload.Decode(stored).Render(lang)
	reasons.mu.Lock()
	if reasons.m == nil || len(reasons.m) >= reasonsMax {
		reasons.m = map[reasonKey]string{}
	}
	reasons.m[k] = out
	reasons.mu.Unlock()
	return out
}
