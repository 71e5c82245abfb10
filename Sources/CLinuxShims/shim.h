#ifndef AFA_CLINUXSHIMS_SHIM_H
#define AFA_CLINUXSHIMS_SHIM_H
// glibc declares syncfs(2) only under _GNU_SOURCE, which Swift's Glibc module does not set.
#define _GNU_SOURCE 1
#include <unistd.h>

static inline int afa_syncfs(int fd) { return syncfs(fd); }
#endif
