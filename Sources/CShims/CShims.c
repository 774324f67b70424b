#define _GNU_SOURCE 1
#include <sys/socket.h>
#include "CShims.h"

int exportdesk_accept_nonblocking(int fd) {
    return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

long long exportdesk_peer_uid(int fd) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    return (long long)cred.uid;
}

int exportdesk_msg_nosignal(void) { return MSG_NOSIGNAL; }
