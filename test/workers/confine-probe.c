/*
 * The confinement tests' native library: each operation a confined worker must not be able to do
 * from native code, from the calling thread or from a thread made with pthread_create. probe()
 * returns 0 when the operation worked, else its errno (-1 for an unknown operation).
 * Built by test/runtime/confine-harness.ts with cc.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int connect_to(int family, int type, const char *arg) {
  int s = socket(family, type, 0);
  if (s < 0) return errno;
  int result;
  if (family == AF_UNIX) {
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, arg, sizeof a.sun_path - 1);
    result = connect(s, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(arg)) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    result = type == SOCK_DGRAM ? (int)sendto(s, "leak", 4, 0, (struct sockaddr *)&a, sizeof a) : connect(s, (struct sockaddr *)&a, sizeof a);
  }
  int error = result < 0 ? errno : 0;
  close(s);
  return error;
}

static int operate(const char *op, const char *arg) {
  if (strcmp(op, "open") == 0) {
    int fd = open(arg, O_RDONLY);
    if (fd < 0) return errno;
    close(fd);
    return 0;
  }
  if (strcmp(op, "create") == 0) {
    int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return errno;
    close(fd);
    return 0;
  }
  if (strcmp(op, "tcp") == 0) return connect_to(AF_INET, SOCK_STREAM, arg);
  if (strcmp(op, "udp") == 0) return connect_to(AF_INET, SOCK_DGRAM, arg);
  if (strcmp(op, "unix") == 0) return connect_to(AF_UNIX, SOCK_STREAM, arg);
  if (strcmp(op, "execve") == 0) {
    /* Returns only when it fails: if it worked, the worker is now that program. */
    char *argv[] = { (char *)arg, NULL };
    execve(arg, argv, environ);
    return errno;
  }
  if (strcmp(op, "fork") == 0) {
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) _exit(0);
    waitpid(pid, NULL, 0);
    return 0;
  }
  if (strcmp(op, "kill") == 0) return kill(atoi(arg), 0) < 0 ? errno : 0;
  return -1;
}

struct job { const char *op; const char *arg; int result; };

static void *run_job(void *p) {
  struct job *job = p;
  job->result = operate(job->op, job->arg);
  return NULL;
}

int probe(const char *op, const char *arg, int threaded) {
  if (!threaded) return operate(op, arg);
  struct job job = { op, arg, -1 };
  pthread_t thread;
  int error = pthread_create(&thread, NULL, run_job, &job);
  if (error != 0) return -error;
  pthread_join(thread, NULL);
  return job.result;
}
