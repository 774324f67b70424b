// Linux calls that Glibc's Swift module does not export: epoll, eventfd, accept4, SO_PEERCRED.
#ifndef EXPORTDESK_CSHIMS_H
#define EXPORTDESK_CSHIMS_H
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; returns the fd or -1 with errno set.
int exportdesk_accept_nonblocking(int fd);
/// Reads the peer's uid of a connected Unix socket (SO_PEERCRED); returns -1 on failure.
long long exportdesk_peer_uid(int fd);
/// MSG_NOSIGNAL, so a write to a vanished peer returns EPIPE instead of raising SIGPIPE.
int exportdesk_msg_nosignal(void);
#endif
