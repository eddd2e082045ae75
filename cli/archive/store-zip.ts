// A zip of files as they are (method 0, "stored"; APPNOTE.TXT 6.3.10 §4.3): the archive's files
// are Parquet (Snappy) and gzip already, so deflating them again would only cost time. Read in
// 1 MB pieces twice (CRC-32 first, which the local header needs, then the bytes), so memory stays
// flat whatever the archive's size. Without Zip64, a zip stops at 4 GiB: beyond, the snapshot
// folder is the deposit (the error says so).
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const PIECE = 1 << 20;
const LIMIT = 0xffff_ffff;

/** MS-DOS date and time of a UTC instant (zip has no zone; UTC keeps zips reproducible). */
function dosTime(t: number): { time: number; date: number } {
  const d = new Date(t);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

async function pieces(path: string, each: (bytes: Uint8Array) => Promise<void> | void): Promise<number> {
  const file = await open(path, 'r');
  const buffer = Buffer.alloc(PIECE);
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, PIECE, null);
      if (bytesRead === 0) return size;
      size += bytesRead;
      await each(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}

/** Writes `out` holding `entries` (name in the zip → file on disk), all stamped `mtime`. */
export async function writeStoredZip(
  out: string,
  entries: readonly { name: string; path: string }[],
  mtime: number,
): Promise<void> {
  const zip = await open(out, 'w');
  const central: Buffer[] = [];
  const { time, date } = dosTime(mtime);
  let offset = 0;
  const write = async (b: Uint8Array) => {
    await zip.write(b);
    offset += b.length;
  };
  try {
    for (const entry of entries) {
      let crc = 0;
      const size = await pieces(entry.path, (b) => {
        crc = crc32(b, crc);
      });
      if (size >= LIMIT || offset + size >= LIMIT)
        throw new Error(
          `${out}: over 4 GiB, too large for a zip without Zip64; deposit the snapshot folder instead`,
        );
      const name = Buffer.from(entry.name, 'utf8');
      // Bit 11: names in UTF-8.
      const common = [20, 0x0800, 0, time, date];
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      common.forEach((v, i) => local.writeUInt16LE(v, 4 + 2 * i));
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      common.forEach((v, i) => header.writeUInt16LE(v, 6 + 2 * i));
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(size, 20);
      header.writeUInt32LE(size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      await write(local);
      await write(name);
      await pieces(entry.path, write);
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await zip.write(directory);
    await zip.write(end);
  } finally {
    await zip.close();
  }
}
