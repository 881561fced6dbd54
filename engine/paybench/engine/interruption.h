// Stopping a run early on SIGINT (Ctrl-C) or SIGTERM (a supervisor stopping the process).
//
// The first signal only records a request. The runner lets the repetition that is running end,
// skips every later one and drops the benchmarks left unfinished (see runner.h), and the
// command writes what finished. A paybench that waits for a child process forwards the request
// to the child's process group (see child_process.h), so the child stops the same way.
// A second signal ends the process at once with exit code 128 + signal number, after killing
// the process group of the child it waits for, if any, with SIGKILL. Before it exits it prints
// one line on stderr, which states whether the command had started to write its result and
// report.
#pragma once

#include <sys/types.h>

#include <string>

namespace paybench::engine {

// Installs the handlers of SIGINT and SIGTERM for the whole process. A signal that was ignored
// when the process started (a background job of a non-interactive shell ignores SIGINT) stays
// ignored. Calling it again changes nothing.
void install_interruption_handlers();

// Returns the signal of the first interruption request, SIGINT or SIGTERM, or 0 when none came.
// Safe to call from any thread.
int interruption_signal();
inline bool interruption_requested() { return interruption_signal() != 0; }

// Records the process group that a second signal kills with SIGKILL before this process exits;
// 0 for none. The wait loop of child_process.cc sets it while a child runs.
void set_interruptible_child_group(pid_t group);

// Records that the command starts to write its result and report, so that the message of a
// second signal warns that some of them may be missing. Safe to call from any thread.
void mark_output_writing_started();

// Returns the exit code of a run stopped by `signal`: 128 + its number, as shells report a
// process ended by a signal, so 130 for SIGINT and 143 for SIGTERM.
int interrupted_exit_code(int signal);

// Returns "SIGINT", "SIGTERM", "SIGSEGV" and so on, or "signal N" for a number without a name.
std::string signal_name(int signal);

}  // namespace paybench::engine
