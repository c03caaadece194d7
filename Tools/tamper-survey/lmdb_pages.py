"""Where each byte of an LMDB 0.9 data file sits, read from the file alone (no liblmdb).

The layout is LMDB 0.9's on 64-bit little-endian machines (mdb.c): 16-byte page headers, two meta pages,
B+trees of branch and leaf pages with 8-byte node headers, overflow pages for large values, and the free
database (FREE_DBI) listing pages that hold nothing live. Only what the tamper survey needs is parsed: which
database a page belongs to and which bytes of it are live (header, pointer array, node header, key, value) or
slack (the gap between the pointer array and the nodes, which no read ever looks at).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

PAGE_HEADER = 16
NODE_HEADER = 8
P_BRANCH, P_LEAF, P_OVERFLOW, P_META, P_LEAF2 = 0x01, 0x02, 0x04, 0x08, 0x20
F_BIGDATA, F_SUBDATA, F_DUPDATA = 0x01, 0x02, 0x04
DB_STRUCT = struct.Struct("<IHHQQQQQ")  # md_pad, md_flags, md_depth, branch, leaf, overflow, entries, root
P_INVALID = 0xFFFFFFFFFFFFFFFF


class LayoutError(Exception):
    """The file is not an LMDB 0.9 data file this parser understands."""


@dataclass
class Region:
    start: int  # offset in the file
    end: int
    part: str  # page-*, pointers, node-*, key, value, slack, overflow-value, overflow-count, meta


@dataclass
class Page:
    number: int
    database: str  # a named database, "main" (the catalogue of names), "free" (FREE_DBI) or "meta"
    kind: str  # branch, leaf, overflow, meta
    regions: list[Region] = field(default_factory=list)


@dataclass
class Layout:
    page_size: int
    last_page: int
    txnid: int
    pages: dict[int, Page]
    free_pages: set[int]

    def classify(self, offset: int) -> tuple[str, str, str]:
        """(database, page kind, part) of the byte at `offset`."""
        number = offset // self.page_size
        if number > self.last_page:
            return ("-", "beyond-last-page", "unused")
        page = self.pages.get(number)
        if page is None:
            return ("-", "free" if number in self.free_pages else "unreachable", "unused")
        for region in page.regions:
            if region.start <= offset < region.end:
                return (page.database, page.kind, region.part)
        return (page.database, page.kind, "unused")


def read_layout(data: bytes) -> Layout:
    if len(data) < 2 * 4096:
        raise LayoutError("file smaller than two meta pages")
    metas = [_meta(data, 0, 0)]
    page_size = metas[0]["page_size"]
    metas.append(_meta(data, page_size, 1))
    meta = max(metas, key=lambda m: m["txnid"])
    pages: dict[int, Page] = {}
    for number in (0, 1):
        page = Page(number, "meta", "meta")
        start = number * page_size
        page.regions.append(Region(start, start + PAGE_HEADER, "page-header"))
        page.regions.append(Region(start + PAGE_HEADER, start + PAGE_HEADER + 136, "meta"))
        pages[number] = page
    walker = _Walker(data, page_size, pages)
    free_pages: set[int] = set()
    if meta["free_root"] != P_INVALID:
        for _key, value in walker.walk(meta["free_root"], "free"):
            count = struct.unpack_from("<Q", value, 0)[0]
            free_pages.update(struct.unpack_from(f"<{count}Q", value, 8))
    if meta["main_root"] != P_INVALID:
        for key, value, flags in walker.walk(meta["main_root"], "main", with_flags=True):
            if flags & F_SUBDATA:
                root = DB_STRUCT.unpack_from(value, 0)[7]
                if root != P_INVALID:
                    for _ in walker.walk(root, key.decode("utf-8", "replace")):
                        pass
    return Layout(page_size, meta["last_page"], meta["txnid"], pages, free_pages)


def _page_header(start: int) -> list[Region]:
    """mp_pgno, mp_pad, mp_flags, then mp_lower/mp_upper (mp_pages on overflow pages)."""
    return [
        Region(start, start + 8, "page-number"),
        Region(start + 8, start + 10, "page-pad"),
        Region(start + 10, start + 12, "page-flags"),
        Region(start + 12, start + PAGE_HEADER, "page-bounds"),
    ]


def _meta(data: bytes, start: int, number: int) -> dict[str, int]:
    flags = struct.unpack_from("<H", data, start + 10)[0]
    if not flags & P_META:
        raise LayoutError(f"page {number} is not a meta page")
    base = start + PAGE_HEADER
    magic, version = struct.unpack_from("<II", data, base)
    if magic != 0xBEEFC0DE or version != 1:
        raise LayoutError(f"meta page {number}: not LMDB 0.9 (magic {magic:#x}, version {version})")
    free_db = DB_STRUCT.unpack_from(data, base + 24)
    main_db = DB_STRUCT.unpack_from(data, base + 24 + 48)
    last_page, txnid = struct.unpack_from("<QQ", data, base + 24 + 96)
    return {
        "page_size": free_db[0] or 4096,  # md_pad of the free database holds the page size
        "free_root": free_db[7],
        "main_root": main_db[7],
        "last_page": last_page,
        "txnid": txnid,
    }


class _Walker:
    def __init__(self, data: bytes, page_size: int, pages: dict[int, Page]):
        self.data = data
        self.page_size = page_size
        self.pages = pages

    def walk(self, root: int, database: str, with_flags: bool = False):
        """Yields (key, value[, flags]) of every leaf node under `root`, recording each page's regions."""
        stack = [root]
        while stack:
            number = stack.pop()
            start = number * self.page_size
            if number in self.pages or start + PAGE_HEADER > len(self.data):
                raise LayoutError(f"{database}: page {number} is out of range or reached twice")
            flags, lower, upper = struct.unpack_from("<HHH", self.data, start + 10)
            kind = "branch" if flags & P_BRANCH else "leaf" if flags & P_LEAF else None
            if kind is None or flags & P_LEAF2:
                raise LayoutError(f"{database}: page {number} has flags {flags:#x}")
            page = Page(number, database, kind)
            self.pages[number] = page
            page.regions += _page_header(start)
            page.regions.append(Region(start + PAGE_HEADER, start + lower, "pointers"))
            page.regions.append(Region(start + lower, start + upper, "slack"))
            count = (lower - PAGE_HEADER) // 2
            offsets = struct.unpack_from(f"<{count}H", self.data, start + PAGE_HEADER)
            children = []
            for node_offset in offsets:
                node = start + node_offset
                lo, hi, node_flags, key_size = struct.unpack_from("<HHHH", self.data, node)
                key_start = node + NODE_HEADER
                key = self.data[key_start : key_start + key_size]
                page.regions.append(Region(node, node + 4, "node-size" if kind == "leaf" else "node-child"))
                page.regions.append(Region(node + 4, node + 6, "node-flags" if kind == "leaf" else "node-child"))
                page.regions.append(Region(node + 6, key_start, "node-key-size"))
                page.regions.append(Region(key_start, key_start + key_size, "key"))
                if kind == "branch":
                    children.append(lo | hi << 16 | node_flags << 32)
                    continue
                size = lo | hi << 16
                if node_flags & F_DUPDATA:
                    raise LayoutError(f"{database}: duplicate-sorted data is not parsed")
                if node_flags & F_BIGDATA:
                    page.regions.append(Region(key_start + key_size, key_start + key_size + 8, "value"))
                    overflow = struct.unpack_from("<Q", self.data, key_start + key_size)[0]
                    value = self._overflow(overflow, size, database)
                else:
                    value = self.data[key_start + key_size : key_start + key_size + size]
                    # The ledger's own `meta` database: which entry a value byte belongs to matters to the survey.
                    part = "value:" + key.decode("utf-8", "replace") if database == "meta" else "value"
                    page.regions.append(Region(key_start + key_size, key_start + key_size + size, part))
                yield (key, value, node_flags) if with_flags else (key, value)
            stack.extend(reversed(children))

    def _overflow(self, number: int, size: int, database: str) -> bytes:
        start = number * self.page_size
        count = struct.unpack_from("<I", self.data, start + 12)[0]
        page = Page(number, database, "overflow")
        page.regions += _page_header(start)[:3]
        page.regions.append(Region(start + 12, start + PAGE_HEADER, "overflow-count"))
        page.regions.append(Region(start + PAGE_HEADER, start + PAGE_HEADER + size, "overflow-value"))
        page.regions.append(Region(start + PAGE_HEADER + size, start + count * self.page_size, "slack"))
        self.pages[number] = page
        for extra in range(1, count):
            self.pages[number + extra] = page
        return self.data[start + PAGE_HEADER : start + PAGE_HEADER + size]
