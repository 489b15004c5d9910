// The plate directory: the one directory a shot's outputs are written in, and the only way they are
// written (docs/scene-spec.md, "Outputs"). Every path a scene file can steer goes through here:
//
//   - The directory is <root>/<subdir>: `root` is the caller's (the scene file's directory or
//     `render --out DIR`; symbolic links in it are resolved), `subdir` a relative path of portable
//     names (core/portable_name.h), created when missing and never a symbolic link. It must not be
//     inside, or be, any protected directory (the bank's): checked by device and inode over every
//     ancestor of the opened directory, so no symbolic link or bind mount leads into the bank.
//   - Files are created only directly in it, under portable names with the suffix of their kind
//     (PlateFile), first under a temporary name `.figurant-tmp.<name>.<12 hex digits>` (never
//     taken for a plate: hidden, and not ending in a plate's suffix), written, fsynced, and only
//     then renamed to their final name by Publish (which fsyncs the directory). Opened with
//     O_NOFOLLOW and relative to the directory's descriptor: nothing is written through a symbolic
//     link or into a device.
//   - A final name may be replaced only when what is there is a regular file that Figurant wrote
//     for the same production and shot (PlateOwner): an EXR whose figurant/production and
//     figurant/shot header attributes match, a PNG whose tEXt chunks of those keywords match, a
//     coverage sidecar or clone report whose "production" and "shot" fields match. A symbolic link,
//     device, FIFO, directory or any other file is refused, left as it is.
//   - Renders hold `.figurant.lock` (flock; a regular file with one name, never a link to another
//     file) shared while the directory is open. The one that opens it while no other render holds
//     it removes what killed renders left: files named like Figurant's temporaries
//     (`.figurant-tmp.*`, and the `<plate>.tmp-<12 hex digits>` of earlier versions), in this
//     directory only.
//
// Errors are InvalidArgument naming "scene field 'render.output'" (or "output directory" for the
// root) and the path, for anything a scene or the operator can correct; Unavailable for I/O
// errors. Not thread-safe: one PlateDirectory per render; several processes may render into one
// directory at once (their own temporaries are never removed under them).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace figurant::render {

// What a file of the plate directory is: fixes its name's suffix and how an earlier one is
// recognised as Figurant's.
enum class PlateFile {
  kExr,          // "<name>.exr"
  kPng,          // "<name>.png"
  kCoverage,     // "<name>.coverage.json"
  kCloneReport,  // "<name>.clones.json"
};

// Whose outputs may be replaced: files Figurant wrote for this production and shot.
struct PlateOwner {
  std::string production;
  std::string shot;
};

struct PlateLocation {
  std::filesystem::path root;    // the output directory; empty: the working directory
  std::filesystem::path subdir;  // relative, portable names; empty for none
  // Directories never written in, nor in anything below them (the bank's data and key
  // directories). Ones that do not exist are skipped.
  std::vector<std::filesystem::path> protected_dirs;
};

// A file written under its temporary name, not yet visible under its final name.
struct StagedFile {
  std::string name;  // final name, in the directory
  std::string temp;  // temporary name, in the directory
  PlateFile kind = PlateFile::kExr;
};

// Writes a file's bytes to `fd` (open for writing, empty); `shown` names the file in errors.
using PlateWriter = std::function<Status(int fd, const std::string& shown)>;

class PlateDirectory {
 public:
  // Opens (creating the subdirectories) the plate directory, checks it is outside every protected
  // directory, takes the lock and removes stale temporaries when no other render holds it.
  static Result<std::unique_ptr<PlateDirectory>> Open(const PlateLocation& where, PlateOwner owner);
  // Releases the lock; removes the temporaries it staged and did not publish.
  ~PlateDirectory();
  PlateDirectory(const PlateDirectory&) = delete;
  PlateDirectory& operator=(const PlateDirectory&) = delete;

  // The directory, symbolic links resolved.
  const std::filesystem::path& path() const { return path_; }
  // Stale temporaries removed when it was opened.
  int stale_removed() const { return stale_removed_; }

  // OK when `name` is a portable name with `kind`'s suffix and nothing, or an earlier output of
  // the owner, is there; InvalidArgument saying why not.
  Status CheckReplaceable(std::string_view name, PlateFile kind) const;

  // CheckReplaceable, then writes the file under a new temporary name with `write` and fsyncs it.
  // On failure nothing is left behind.
  Result<StagedFile> Stage(std::string_view name, PlateFile kind, const PlateWriter& write);
  Result<StagedFile> StageBytes(std::string_view name, PlateFile kind, std::string_view bytes);

  // Renames each staged file, in order, to its final name (after CheckReplaceable once more) and
  // fsyncs the directory. On failure, the files not yet renamed are removed.
  Status Publish(const std::vector<StagedFile>& files);
  // Removes staged files that will not be published.
  void Discard(const std::vector<StagedFile>& files);

 private:
  PlateDirectory() = default;
  Status OpenDirectory(const PlateLocation& where);
  Status Lock();
  void RemoveStaleTemporaries();
  std::string Shown(std::string_view name) const;  // path() / name, for messages

  std::filesystem::path path_;
  PlateOwner owner_;
  int dir_fd_ = -1;
  int lock_fd_ = -1;
  int stale_removed_ = 0;
  std::vector<std::string> unpublished_;  // temporaries staged and not yet published
};

}  // namespace figurant::render
