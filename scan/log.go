package scan

import (
	"context"
	"log"
	"log/slog"
	"os"
	"sync/atomic"
)

// Trivy logs through slog's default logger, and importing trivy/pkg/log
// replaces it at init with a handler that buffers every record in memory
// until Trivy's CLI initialises it (and that swallows the standard log
// package's output too). Package initialisation runs this after Trivy's:
// slog's default routes to a handler that forwards to the current scan's
// logger, or to stderr at Info (slog's own default) between scans, and the
// standard log package writes to stderr again.
var _ = restoreLogging()

var logTarget atomic.Pointer[slog.Handler]

func restoreLogging() bool {
	slog.SetDefault(slog.New(routeHandler{}))
	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags)
	return true
}

// setLogTarget routes Trivy's records to h (nil restores the default) and
// returns a function that undoes it.
func setLogTarget(h slog.Handler) func() {
	prev := logTarget.Swap(&h)
	return func() { logTarget.Store(prev) }
}

var stderrHandler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})

type routeHandler struct{ attrs []slog.Attr }

func (routeHandler) target() slog.Handler {
	if p := logTarget.Load(); p != nil && *p != nil {
		return *p
	}
	return stderrHandler
}

func (r routeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.target().Enabled(ctx, l)
}

func (r routeHandler) Handle(ctx context.Context, rec slog.Record) error {
	h := r.target()
	if len(r.attrs) > 0 {
		h = h.WithAttrs(r.attrs)
	}
	return h.Handle(ctx, rec)
}

func (r routeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return routeHandler{attrs: append(append([]slog.Attr(nil), r.attrs...), attrs...)}
}

func (r routeHandler) WithGroup(string) slog.Handler { return r }
