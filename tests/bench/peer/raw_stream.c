#include "bench/peer/raw_stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

enum { header_len = 10, tag_len = 16, batch_bytes = 64 * 1024, read_bytes = 256 * 1024 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_all(int fd, const unsigned char* p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static void put_u64_be(unsigned char* p, uint64_t x) {
  for (int i = 7; i >= 0; --i) {
    p[i] = (unsigned char)(x & 0xff);
    x >>= 8;
  }
}

static uint64_t get_u64_be(const unsigned char* p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x = (x << 8) | p[i];
  return x;
}

static void nonce_of(unsigned char nonce[12], uint64_t counter) {
  memset(nonce, 0, 4);
  for (int i = 0; i < 8; ++i) nonce[4 + i] = (unsigned char)(counter >> (8 * i));
}

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The receiver: reads frames, checks counters, opens them; writes 'k' (all
 * opened) or 'x' back and exits with 0 or 1. */
static int receive_frames(int fd, const unsigned char* key, size_t plain_len,
                          uint64_t frames) {
  size_t frame_len = header_len + plain_len + tag_len;
  size_t cap = read_bytes + 4 + frame_len;
  unsigned char* buf = malloc(cap);
  unsigned char* plain = malloc(plain_len + 1);
  if (!buf || !plain) return 1;
  size_t have = 0, off = 0;
  uint64_t expected = 0, good = 0;
  int failed = 0;
  while (expected < frames) {
    /* Parse every whole frame in the buffer. */
    while (have - off >= 4) {
      uint32_t len = ((uint32_t)buf[off] << 24) | ((uint32_t)buf[off + 1] << 16)
                     | ((uint32_t)buf[off + 2] << 8) | buf[off + 3];
      if (len != frame_len) {
        failed = 1;
        expected = frames;
        break;
      }
      if (have - off < 4 + (size_t)len) break;
      const unsigned char* h = buf + off + 4;
      uint64_t counter = get_u64_be(h + 2);
      unsigned char nonce[12];
      unsigned long long mlen = 0;
      nonce_of(nonce, counter);
      if (h[0] != 1 || h[1] != 0 || counter != expected
          || crypto_aead_chacha20poly1305_ietf_decrypt(plain, &mlen, NULL, h + header_len,
                                                       len - header_len, h, header_len,
                                                       nonce, key)
                 != 0
          || mlen != plain_len)
        failed = 1;
      else
        ++good;
      ++expected;
      off += 4 + (size_t)len;
      if (expected == frames) break;
    }
    if (expected == frames) break;
    /* Keep the partial frame, read more. */
    memmove(buf, buf + off, have - off);
    have -= off;
    off = 0;
    ssize_t k = read(fd, buf + have, cap - have);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      failed = 1;
      break;
    }
    have += (size_t)k;
  }
  unsigned char ack = failed || good != frames ? 'x' : 'k';
  write_all(fd, &ack, 1);
  free(buf);
  free(plain);
  return ack == 'k' ? 0 : 1;
}

int nz_raw_sealed_stream(size_t plain_len, uint64_t frames, double* seconds,
                         uint64_t* opened) {
  *seconds = 0;
  *opened = 0;
  if (sodium_init() < 0) {
    fprintf(stderr, "raw: sodium_init failed\n");
    return -1;
  }
  unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  crypto_aead_chacha20poly1305_ietf_keygen(key);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t alen = sizeof addr;
  if (lfd < 0 || bind(lfd, (struct sockaddr*)&addr, sizeof addr) != 0
      || listen(lfd, 1) != 0 || getsockname(lfd, (struct sockaddr*)&addr, &alen) != 0) {
    perror("raw: listen on 127.0.0.1");
    return -1;
  }
  fflush(NULL);
  pid_t child = fork();
  if (child < 0) {
    perror("raw: fork");
    return -1;
  }
  if (child == 0) {
    close(lfd);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) _exit(2);
    set_nodelay(fd);
    _exit(receive_frames(fd, key, plain_len, frames));
  }
  int fd = accept(lfd, NULL, NULL);
  close(lfd);
  if (fd < 0) {
    perror("raw: accept");
    return -1;
  }
  set_nodelay(fd);
  size_t frame_len = header_len + plain_len + tag_len;
  size_t cap = 4 + frame_len > batch_bytes ? 4 + frame_len : batch_bytes;
  unsigned char* buf = malloc(cap);
  unsigned char* plain = malloc(plain_len + 1);
  if (!buf || !plain) return -1;
  randombytes_buf(plain, plain_len);
  size_t used = 0;
  int rc = 0;
  double t0 = now_s();
  for (uint64_t i = 0; i < frames; ++i) {
    if (used + 4 + frame_len > cap) {
      if (write_all(fd, buf, used) != 0) {
        rc = -1;
        break;
      }
      used = 0;
    }
    unsigned char* p = buf + used;
    uint32_t len = (uint32_t)frame_len;
    p[0] = (unsigned char)(len >> 24);
    p[1] = (unsigned char)(len >> 16);
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
    unsigned char* h = p + 4;
    h[0] = 1;
    h[1] = 0;
    put_u64_be(h + 2, i);
    unsigned char nonce[12];
    unsigned long long clen = 0;
    nonce_of(nonce, i);
    crypto_aead_chacha20poly1305_ietf_encrypt(h + header_len, &clen, plain, plain_len, h,
                                              header_len, NULL, nonce, key);
    used += 4 + frame_len;
  }
  if (rc == 0 && used > 0 && write_all(fd, buf, used) != 0) rc = -1;
  unsigned char ack = 0;
  if (rc == 0) {
    ssize_t k;
    do k = read(fd, &ack, 1);
    while (k < 0 && errno == EINTR);
    if (k != 1) rc = -1;
  }
  *seconds = now_s() - t0;
  close(fd);
  int status = 0;
  waitpid(child, &status, 0);
  free(buf);
  free(plain);
  sodium_memzero(key, sizeof key);
  if (rc != 0 || ack != 'k' || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "raw: the receiver did not open every frame (ack %c, status %d)\n",
            ack ? ack : '-', status);
    return -1;
  }
  *opened = frames;
  return 0;
}
