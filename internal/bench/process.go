package bench

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcessCPU is the CPU time this process has used (user + system, all
// threads); 0 where the platform does not say.
func ProcessCPU() time.Duration { return cpuTime() }

// RSS is this process's resident memory in bytes (Linux /proc; 0
// elsewhere).
func RSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// PidCPU is the CPU time (user + system) that process pid has used, from
// Linux's /proc/PID/stat (in clock ticks of 1/100 s). bench edge measures
// its agents' subprocess with it, bench provision its serve processes.
func PidCPU(pid int) (time.Duration, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/stat"
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields that
	// follow it start after the last ')'. utime and stime are the 14th
	// and 15th fields, the 12th and 13th after the name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unreadable " + path)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short " + path)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}
