// The floor of a service's log, for the service-output section: the least any runner must do to keep a capped,
// timestamped log of a chatty process. It reads its stdin (a pipe widened to 1 MB, read 256 KB at a time, as
// CakeParallel's reader does), puts the stamp "2026-11-29T03:25:42.123Z out " before every line (formatted again
// only when the millisecond changed), writes the lines to the file in 512 KB pieces, and keeps the file within the
// cap as the service log does: past it, the older half's blocks are freed where they lie (a hole). No UTF-8
// checks, no masking, no readiness patterns, no output tail, no lock, no note of what was dropped.
//   cc -O2 -o stamped-log stamped-log.c && producer | ./stamped-log LOG [CAP_BYTES (104857600)]
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ReadBytes = 256 << 10, MaxLine = 64 << 10, OutBytes = 512 << 10, StampBytes = 29 };

static int fd;
static off_t end, kept;
static long long cap;

static void put(const char *bytes, size_t length)
{
    if (end + (off_t)length - kept > cap) {
        off_t from = end - cap / 2;
        fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, kept, from - kept);
        kept = from;
    }
    if (pwrite(fd, bytes, length, end) != (ssize_t)length) {
        perror("pwrite");
        exit(1);
    }
    end += length;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stamped-log LOG [CAP_BYTES]\n");
        return 2;
    }
    cap = argc > 2 ? atoll(argv[2]) : 100LL << 20;
    fcntl(0, F_SETPIPE_SZ, 1 << 20);
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    static char in[ReadBytes + MaxLine], out[OutBytes];
    char stamp[StampBytes + 8];
    long long stamped = -1;
    size_t have = 0, filled = 0;
    for (;;) {
        ssize_t n = read(0, in + have, ReadBytes);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0)
            break;
        have += n;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        long long millisecond = now.tv_sec * 1000LL + now.tv_nsec / 1000000;
        if (millisecond != stamped) {
            struct tm utc;
            gmtime_r(&now.tv_sec, &utc);
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
            snprintf(stamp + 19, sizeof stamp - 19, ".%03dZ out ", (int)(millisecond % 1000));
            stamped = millisecond;
        }
        char *line = in, *last = in + have;
        for (char *newline; (newline = memchr(line, '\n', last - line)) != NULL; line = newline + 1) {
            size_t length = newline + 1 - line;
            if (filled + StampBytes + length > sizeof out) {
                put(out, filled);
                filled = 0;
            }
            memcpy(out + filled, stamp, StampBytes);
            memcpy(out + filled + StampBytes, line, length);
            filled += StampBytes + length;
        }
        have = last - line;
        if (have >= MaxLine)
            have = 0; // a line longer than the limit: the floor drops it rather than splitting it
        memmove(in, line, have);
    }
    if (filled)
        put(out, filled);
    return close(fd);
}
