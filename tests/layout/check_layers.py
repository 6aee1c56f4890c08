#!/usr/bin/env python3
"""The arrows of docs/design.md, checked on the includes.

CMake's target_link_libraries already refuses a call into a library that is not linked, but
every library shares include/, so a header-only use (a struct, an inline function) could point
the wrong way unnoticed. This reads which library each file of src/ belongs to and which ones
each library may use (the eecall_library() calls of src/*/CMakeLists.txt: the one source of
truth), then refuses any `#include "eecall/..."` of a library outside that closure.

Usage: check_layers.py SOURCE_DIR   (exit 0: every include points down; 1: the offenders)
       check_layers.py --design SOURCE_DIR   (docs/design.md's file table names every file of
                                              src/ and no file that is gone)
"""
import pathlib
import re
import sys

LIBRARY_CALL = re.compile(r"eecall_library\((\w+)(.*?)\)\s*$", re.S | re.M)
INCLUDE = re.compile(r'#include "eecall/([\w/.]+)"')


def parse_libraries(src):
    """{library: (folder, set of source stems, set of linked eecall libraries)}"""
    libraries = {}
    for cmake in sorted(src.glob("*/CMakeLists.txt")):
        text = re.sub(r"#.*", "", cmake.read_text())
        for name, body in LIBRARY_CALL.findall(text):
            words = body.split()
            sources, linked, section = set(), set(), None
            for word in words:
                if word in ("SOURCES", "PUBLIC", "PRIVATE"):
                    section = word
                elif section == "SOURCES":
                    sources.add(pathlib.Path(word).stem)
                elif word.startswith("eecall_"):
                    linked.add(word)
            libraries[name] = (cmake.parent.name, sources, linked)
    return libraries


def closure(libraries, name, seen=None):
    seen = set() if seen is None else seen
    for dep in libraries.get(name, ("", set(), set()))[2]:
        if dep in libraries and dep not in seen:
            seen.add(dep)
            closure(libraries, dep, seen)
    return seen


def owner(libraries, folder, stem):
    """The library a file folder/stem.* belongs to: the one compiling folder/stem.cpp, else the
    folder's library named after it (a header-only header)."""
    for name, (lib_folder, sources, _) in libraries.items():
        if lib_folder == folder and stem in sources:
            return name
    main = "eecall_" + folder
    return main if main in libraries else None


def check_design(root):
    """docs/design.md draws the code as files: its table must name each file of src/ (as
    `name` in a row of its folder's part) and no file that src/ does not have."""
    design = (root / "docs" / "design.md").read_text()
    table = design[design.index("## The files"):]
    rows, folder, named = [], None, {}
    for line in table.splitlines():
        heading = re.match(r"\| \*\*`(\w+)/`\*\*", line)
        if heading:
            folder = heading.group(1)
            continue
        if line.startswith("| `") and folder:
            first_cell = line.split("|")[1]
            for name in re.findall(r"`([\w.]+)`", first_cell):
                named.setdefault(folder, set()).add(name)
    problems = []
    for path in sorted((root / "src").glob("*/*")):
        if path.name == "CMakeLists.txt" or path.suffix not in (".cpp", ".hpp", ".in"):
            continue
        if path.suffix == ".hpp" and path.with_suffix(".cpp").exists():
            continue  # a private header is drawn with its source
        if path.name not in named.get(path.parent.name, set()):
            problems.append(f"docs/design.md does not name src/{path.parent.name}/{path.name}")
    for folder, names in named.items():
        for name in names:
            if not (root / "src" / folder / name).exists():
                problems.append(f"docs/design.md names src/{folder}/{name}, which does not exist")
    for line in problems:
        print(line)
    print(f"design.md's table: {sum(len(n) for n in named.values())} files in {len(named)} folders, "
          f"{len(problems)} problems")
    return 1 if problems else 0


def main():
    if sys.argv[1] == "--design":
        return check_design(pathlib.Path(sys.argv[2]))
    root = pathlib.Path(sys.argv[1])
    src = root / "src"
    libraries = parse_libraries(src)
    offences = []
    files = [p for p in src.glob("*/*") if p.suffix in (".cpp", ".hpp", ".h")]
    files += [p for p in (root / "include" / "eecall").glob("*/*") if p.suffix in (".hpp", ".h")]
    for path in sorted(files):
        lib = owner(libraries, path.parent.name, path.stem)
        if lib is None or path.name == "module.cpp":
            continue  # a dlopen'ed module (tls/, speech/module.cpp, notify/module.cpp)
        allowed = closure(libraries, lib) | {lib}
        for included in INCLUDE.findall(path.read_text()):
            folder, _, name = included.partition("/")
            if name == "module_abi.h" or not name:
                continue  # the C table between eecall and a module, or the generated version
            target = owner(libraries, folder, pathlib.Path(name).stem)
            if target is not None and target not in allowed:
                offences.append(f"{path.relative_to(root)} ({lib}) includes eecall/{included} ({target})")
    for line in offences:
        print(line)
    print(f"{len(files)} files, {len(libraries)} libraries: "
          f"{'every include points down' if not offences else str(len(offences)) + ' wrong-way includes'}")
    return 1 if offences else 0


if __name__ == "__main__":
    sys.exit(main())
