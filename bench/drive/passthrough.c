// A minimal multi-threaded passthrough file system on libfuse3's high-level API: every call goes to the same call on a
// backing folder. `scripts/bench drive` mounts it as the FUSE ceiling of this machine: what a file system costs when it
// does no work of its own. It asks the kernel for the same settings as the drive (src/BitDust.Fs/Fuse/FuseCallbacks.cs,
// Init), so a gap between the two is the drive's own work, not a mount option.
//
//   gcc -O2 -Wall -o passthrough passthrough.c $(pkg-config --cflags --libs fuse3)
//   passthrough BACKING_FOLDER MOUNTPOINT [-f] [-s] [-o OPTIONS]
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

// The backing folder, opened once: every path is resolved relative to it with the *at() calls, so no chdir is needed.
static int root_fd = -1;

// FUSE paths start with '/': "/a/b" is "a/b" under the backing folder, and "/" is the folder itself.
static const char *relative(const char *path) {
    return path[1] == '\0' ? "." : path + 1;
}

static void *pt_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    cfg->entry_timeout = 1;
    cfg->attr_timeout = 1;
    cfg->negative_timeout = 0;
    cfg->use_ino = 1;
    cfg->hard_remove = 1;
    cfg->nullpath_ok = 1;
    cfg->auto_cache = 1;
    conn->max_write = 1 << 20;
    if (conn->max_readahead < 1 << 20)
        conn->max_readahead = 1 << 20;
    return NULL;
}

static int pt_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    int res = fi != NULL ? fstat((int)fi->fh, st) : fstatat(root_fd, relative(path), st, AT_SYMLINK_NOFOLLOW);
    return res == -1 ? -errno : 0;
}

static int pt_readlink(const char *path, char *buf, size_t size) {
    ssize_t n = readlinkat(root_fd, relative(path), buf, size - 1);
    if (n == -1)
        return -errno;
    buf[n] = '\0';
    return 0;
}

static int pt_mkdir(const char *path, mode_t mode) {
    return mkdirat(root_fd, relative(path), mode) == -1 ? -errno : 0;
}

static int pt_unlink(const char *path) {
    return unlinkat(root_fd, relative(path), 0) == -1 ? -errno : 0;
}

static int pt_rmdir(const char *path) {
    return unlinkat(root_fd, relative(path), AT_REMOVEDIR) == -1 ? -errno : 0;
}

static int pt_symlink(const char *target, const char *path) {
    return symlinkat(target, root_fd, relative(path)) == -1 ? -errno : 0;
}

static int pt_rename(const char *from, const char *to, unsigned int flags) {
    return renameat2(root_fd, relative(from), root_fd, relative(to), flags) == -1 ? -errno : 0;
}

static int pt_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    int res = fi != NULL ? fchmod((int)fi->fh, mode) : fchmodat(root_fd, relative(path), mode, 0);
    return res == -1 ? -errno : 0;
}

static int pt_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    int res = fi != NULL ? fchown((int)fi->fh, uid, gid) : fchownat(root_fd, relative(path), uid, gid, AT_SYMLINK_NOFOLLOW);
    return res == -1 ? -errno : 0;
}

static int pt_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    if (fi != NULL)
        return ftruncate((int)fi->fh, size) == -1 ? -errno : 0;
    int fd = openat(root_fd, relative(path), O_WRONLY);
    if (fd == -1)
        return -errno;
    int res = ftruncate(fd, size) == -1 ? -errno : 0;
    close(fd);
    return res;
}

static int pt_utimens(const char *path, const struct timespec times[2], struct fuse_file_info *fi) {
    int res = fi != NULL ? futimens((int)fi->fh, times) : utimensat(root_fd, relative(path), times, AT_SYMLINK_NOFOLLOW);
    return res == -1 ? -errno : 0;
}

static int pt_open(const char *path, struct fuse_file_info *fi) {
    int fd = openat(root_fd, relative(path), fi->flags);
    if (fd == -1)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int pt_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    int fd = openat(root_fd, relative(path), fi->flags | O_CREAT, mode);
    if (fd == -1)
        return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int pt_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    ssize_t n = pread((int)fi->fh, buf, size, offset);
    return n == -1 ? -errno : (int)n;
}

static int pt_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    ssize_t n = pwrite((int)fi->fh, buf, size, offset);
    return n == -1 ? -errno : (int)n;
}

static int pt_statfs(const char *path, struct statvfs *st) {
    return fstatvfs(root_fd, st) == -1 ? -errno : 0;
}

static int pt_release(const char *path, struct fuse_file_info *fi) {
    close((int)fi->fh);
    return 0;
}

static int pt_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    int res = datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh);
    return res == -1 ? -errno : 0;
}

static int pt_opendir(const char *path, struct fuse_file_info *fi) {
    int fd = openat(root_fd, relative(path), O_RDONLY | O_DIRECTORY);
    if (fd == -1)
        return -errno;
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        int error = errno;
        close(fd);
        return -error;
    }
    fi->fh = (uint64_t)(uintptr_t)dir;
    return 0;
}

static int pt_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
    DIR *dir = (DIR *)(uintptr_t)fi->fh;
    // Offsets are telldir() positions: a listing resumed in a later call starts where the previous one stopped.
    if (offset == 0)
        rewinddir(dir);
    else
        seekdir(dir, offset);
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st = {.st_ino = entry->d_ino, .st_mode = (mode_t)DTTOIF(entry->d_type)};
        if (filler(buf, entry->d_name, &st, telldir(dir), 0) != 0)
            return 0;
    }
    return errno != 0 ? -errno : 0;
}

static int pt_releasedir(const char *path, struct fuse_file_info *fi) {
    closedir((DIR *)(uintptr_t)fi->fh);
    return 0;
}

static const struct fuse_operations operations = {
    .init = pt_init,
    .getattr = pt_getattr,
    .readlink = pt_readlink,
    .mkdir = pt_mkdir,
    .unlink = pt_unlink,
    .rmdir = pt_rmdir,
    .symlink = pt_symlink,
    .rename = pt_rename,
    .chmod = pt_chmod,
    .chown = pt_chown,
    .truncate = pt_truncate,
    .utimens = pt_utimens,
    .open = pt_open,
    .create = pt_create,
    .read = pt_read,
    .write = pt_write,
    .statfs = pt_statfs,
    .release = pt_release,
    .fsync = pt_fsync,
    .opendir = pt_opendir,
    .readdir = pt_readdir,
    .releasedir = pt_releasedir,
};

int main(int argc, char *argv[]) {
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s BACKING_FOLDER MOUNTPOINT [-f] [-s] [-o OPTIONS]\n", argv[0]);
        return 2;
    }
    root_fd = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (root_fd == -1) {
        fprintf(stderr, "%s: cannot open the backing folder %s: %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    // The backing folder is ours; what follows it (mount point and options) is libfuse's.
    argv[1] = argv[0];
    return fuse_main(argc - 1, argv + 1, &operations, NULL);
}
