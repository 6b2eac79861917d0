/*
 * taskfork-child-init: starts a child JVM contained, in one small process instead of setsid,
 * unshare and a shell, which cost a child several program starts (README: "What containment costs
 * a task").
 *
 *   taskfork-child-init session -- COMMAND [ARG...]
 *   taskfork-child-init namespace|user-namespace -- COMMAND [ARG...]
 *
 * Both modes start a session of their own, so that a signal from the supervisor's terminal reaches
 * the supervisor alone, and move the pipes as the supervisor expects them: descriptor 3 becomes the
 * stdout pipe, which carries the child's events, and descriptor 1 joins 2 on the stderr pipe, the
 * child's log.
 *
 * session: runs COMMAND as its child, in a session of the command's own, as the namespace's first
 * process does below, and is the subreaper of everything the command starts: a process whose parent
 * ends is re-parented to it, not to the host's init, even one that called setsid. When the command
 * has ended, it kills whatever is left, waits for it and exits with the command's status, so that
 * nothing a task started outlives it without the supervisor looking through /proc. The command
 * dies with it (PR_SET_PDEATHSIG); what the command started is the supervisor's to find then.
 *
 * namespace: a PID namespace and a mount namespace with a /proc and a /dev/shm of their own
 * (user-namespace: inside a user namespace of its own too, for a supervisor that is not root). Its
 * first process is this program's, not the JVM: the first process of a namespace ignores every
 * signal it has no handler for, so a JVM there would not die of the SIGABRT of its own crash. The first process runs COMMAND
 * as its child, in a session of the command's own, and exits with its status (128 + N for a signal
 * N), which ends the namespace and kills whatever is left in it. It dies with this process, so a
 * SIGKILL of the process the supervisor started ends the whole namespace.
 *
 * With TASKFORK_PIDS_CGROUP set, it first enters that pids cgroup, which holds the task's processes
 * and threads to a number (TASKFORK_TASK_PROCESSES); with TASKFORK_MEMORY_CGROUP set, that memory
 * cgroup, which holds their memory together to a limit (twice TASKFORK_TASK_MEMORY).
 *
 * Exit codes: the command's (128 + N for signal N); 125 when it cannot be contained (no namespace, no
 * subreaper, no fork, no entry to its cgroups); 127 when COMMAND cannot be run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CANNOT_CONTAIN 125
#define CANNOT_RUN 127

static void fail(int code, const char *what) {
    fprintf(stderr, "taskfork-child-init: %s: %s\n", what, strerror(errno));
    _exit(code);
}

static int status_code(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : CANNOT_CONTAIN;
}

/* Waits for pid, taking no notice of others (in the namespace, every orphan becomes ours). */
static int wait_for(pid_t pid) {
    for (;;) {
        int status;
        pid_t ended = waitpid(-1, &status, 0);
        if (ended == pid) {
            return status_code(status);
        }
        if (ended < 0 && errno != EINTR) {
            fail(CANNOT_CONTAIN, "wait");
        }
    }
}

static void move_pipes(void) {
    if (dup2(1, 3) < 0 || dup2(2, 1) < 0) {
        fail(CANNOT_CONTAIN, "cannot move the pipes");
    }
}

static void run(char **command) {
    execvp(command[0], command);
    fprintf(stderr, "taskfork-child-init: cannot run %s: %s\n", command[0], strerror(errno));
    _exit(CANNOT_RUN);
}

/* SIGKILLs each child of this process by a look at every process in /proc: for a kernel that lists no children. */
static void kill_children_by_parent(void) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) {
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char path[300], stat[512];
        int parent;
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        int fd = open(path, O_RDONLY);
        ssize_t length = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
        if (fd >= 0) {
            close(fd);
        }
        if (length <= 0) {
            continue;
        }
        stat[length] = '\0';
        /* after the command's name, which may hold spaces and parentheses: state, parent */
        char *name_end = strrchr(stat, ')');
        if (name_end != NULL && sscanf(name_end + 1, " %*c %d", &parent) == 1 && parent == getpid()) {
            kill(atoi(entry->d_name), SIGKILL);
        }
    }
    closedir(proc);
}

/*
 * SIGKILLs every child of this process until none is left: a child's own children come to this
 * process, its subreaper, as each one dies, and are killed in turn. A child that SIGKILL cannot end
 * soon (asleep in the kernel on a hung file system, or another user's after a setuid program) must
 * not hold up the task's end: after END_WITHIN_MS this process exits and leaves it.
 */
#define END_WITHIN_MS 2000

static long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

static void end_children(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int) getpid());
    long deadline = now_ms() + END_WITHIN_MS;
    while (now_ms() < deadline) {
        FILE *list = fopen(path, "r");
        if (list == NULL) {
            kill_children_by_parent();
        } else {
            int child;
            while (fscanf(list, "%d", &child) == 1) {
                kill(child, SIGKILL);
            }
            fclose(list);
        }
        pid_t ended = waitpid(-1, NULL, WNOHANG);
        if (ended < 0 && errno == ECHILD) {
            return;
        }
        if (ended == 0) {
            usleep(1000);
        }
    }
}

/* Closes what a waiting process holds of the child's pipes, so that their ends come with the child's. */
static void let_go_of_pipes(void) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 3; fd++) {
        if (null >= 0 && fd != null) {
            dup2(null, fd);
        }
    }
    if (null > 3) {
        close(null);
    }
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
        fail(CANNOT_CONTAIN, path);
    }
    close(fd);
}

/*
 * Enters the cgroup the supervisor made for this child and named in the variable (its folder), before
 * anything is forked, so that every process and thread of the task counts against its limit. The
 * variable is not passed on to the command.
 */
static void enter_cgroup(const char *variable) {
    const char *cgroup = getenv(variable);
    if (cgroup == NULL) {
        return;
    }
    char procs[4096];
    if (snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup) >= (int) sizeof procs) {
        fail(CANNOT_CONTAIN, variable);
    }
    write_file(procs, "0");
    unsetenv(variable);
}

/* As unshare --user --map-root-user: root inside, this user outside. */
static void enter_user_namespace(void) {
    char map[64];
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER) < 0) {
        fail(CANNOT_CONTAIN, "cannot make a user namespace");
    }
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned) uid);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1", (unsigned) gid);
    write_file("/proc/self/gid_map", map);
}

/*
 * A /dev/shm of the namespace's own, a file system in memory that goes with the namespace: what a
 * task leaves there (POSIX shared memory, a file) ends with it, and a task sees none of another's.
 * TASKFORK_SHM_BYTES, when set, is its size (the memory cap); else the kernel's default, half the
 * host's memory. A host without /dev/shm gets none.
 */
static void mount_own_shm(void) {
    const char *bytes = getenv("TASKFORK_SHM_BYTES");
    char options[64];
    if (snprintf(options, sizeof options, "mode=1777%s%s", bytes == NULL ? "" : ",size=",
            bytes == NULL ? "" : bytes) >= (int) sizeof options) {
        errno = EINVAL;
        fail(CANNOT_CONTAIN, "TASKFORK_SHM_BYTES");
    }
    unsetenv("TASKFORK_SHM_BYTES");
    if (access("/dev/shm", F_OK) == 0
            && mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0) {
        fail(CANNOT_CONTAIN, "cannot mount /dev/shm");
    }
}

/*
 * The parent may have died before PR_SET_PDEATHSIG took: then the write end of parent_alive, which
 * only the parent held, is closed, and a read of the read end (which never blocks) gives its end.
 */
static int first_process(char **command, const sigset_t *original, int parent_alive) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
        fail(CANNOT_CONTAIN, "cannot tie the namespace to its parent");
    }
    char byte;
    if (read(parent_alive, &byte, 1) == 0) {
        _exit(CANNOT_CONTAIN);
    }
    close(parent_alive);
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
            || mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        fail(CANNOT_CONTAIN, "cannot mount /proc");
    }
    mount_own_shm();
    move_pipes();
    pid_t jvm = fork();
    if (jvm < 0) {
        fail(CANNOT_CONTAIN, "fork");
    }
    if (jvm == 0) {
        setsid();
        sigprocmask(SIG_SETMASK, original, NULL);
        run(command);
    }
    let_go_of_pipes();
    return wait_for(jvm);
}

static int contain_session(char **command, const sigset_t *original) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        fail(CANNOT_CONTAIN, "cannot become the subreaper of the command");
    }
    move_pipes();
    pid_t self = getpid();
    pid_t jvm = fork();
    if (jvm < 0) {
        fail(CANNOT_CONTAIN, "fork");
    }
    if (jvm == 0) {
        /* This process may have died before the request took: then the command is an orphan already. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != self) {
            _exit(CANNOT_CONTAIN);
        }
        setsid();
        sigprocmask(SIG_SETMASK, original, NULL);
        run(command);
    }
    let_go_of_pipes();
    int status = wait_for(jvm);
    end_children();
    return status;
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: taskfork-child-init session|namespace|user-namespace -- COMMAND [ARG...]\n");
        return 2;
    }
    char **command = argv + 3;
    int user = strcmp(argv[1], "user-namespace") == 0;
    enter_cgroup("TASKFORK_PIDS_CGROUP");
    enter_cgroup("TASKFORK_MEMORY_CGROUP");
    if (setsid() < 0) {
        fail(CANNOT_CONTAIN, "cannot start a session");
    }
    int session = strcmp(argv[1], "session") == 0;
    if (!session && !user && strcmp(argv[1], "namespace") != 0) {
        fprintf(stderr, "taskfork-child-init: unknown mode %s\n", argv[1]);
        return 2;
    }
    /* As unshare --fork: a SIGINT, SIGQUIT or SIGTERM sent to this process waits, since only the
     * JVM, with handlers of its own, can report it; a SIGKILL ends the whole namespace, or in the
     * session mode the JVM. */
    sigset_t blocked, original;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGQUIT);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_BLOCK, &blocked, &original);
    if (session) {
        return contain_session(command, &original);
    }
    if (user) {
        enter_user_namespace();
    }
    if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
        fail(CANNOT_CONTAIN, "cannot make a PID namespace");
    }
    int parent_alive[2];
    if (pipe2(parent_alive, O_CLOEXEC | O_NONBLOCK) < 0) {
        fail(CANNOT_CONTAIN, "pipe");
    }
    pid_t first = fork();
    if (first < 0) {
        fail(CANNOT_CONTAIN, "fork");
    }
    if (first == 0) {
        close(parent_alive[1]);
        _exit(first_process(command, &original, parent_alive[0]));
    }
    /* The write end stays open, and unwritten, for as long as this process lives. */
    close(parent_alive[0]);
    let_go_of_pipes();
    return wait_for(first);
}
