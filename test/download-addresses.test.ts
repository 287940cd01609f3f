import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { fetchAudio, isPublicAddress, publicOnlyAgent, type Resolve } from "../src/http/index.js";
import { failure } from "./helpers/failure.js";

/**
 * Issue 9, item 13: an allow-listed host name is not enough; the address it resolves to must be a
 * public one. A fake resolver plays the DNS that answers with an internal address (a poisoned or
 * rebinding record); the refusal happens inside the connection's own lookup, before any byte is sent.
 */
const HOSTILE_ANSWERS: Record<string, string> = {
  loopback: "127.0.0.1",
  "loopback-v6": "::1",
  "mapped-loopback": "::ffff:127.0.0.1",
  private10: "10.1.2.3",
  private172: "172.20.0.9",
  private192: "192.168.1.10",
  "link-local": "169.254.10.10",
  metadata: "169.254.169.254",
  "aws-metadata-v6": "fd00:ec2::254",
  cgnat: "100.64.12.34",
  "unique-local": "fd12:3456::1",
  "this-network": "0.0.0.0",
};

function fakeResolver(answers: LookupAddress[], asked: string[]): Resolve {
  return (hostname, callback) => {
    asked.push(hostname);
    setImmediate(() => callback(null, answers));
  };
}

describe("downloads reach public addresses only (item 13)", () => {
  it.each(Object.entries(HOSTILE_ANSWERS))(
    "an allow-listed name resolving to %s (%s) is refused before connecting",
    async (_, address) => {
      const asked: string[] = [];
      const family = address.includes(":") ? 6 : 4;
      const dispatcher = publicOnlyAgent(fakeResolver([{ address, family }], asked));
      try {
        const error = await failure(
          fetchAudio("https://cdns-preview-a.dzcdn.net/stream/c-1.mp3", "deezer", {
            dispatcher,
            timeoutMs: 5000,
          }),
        );
        expect(error.code).toBe("address-not-public");
        expect(error.message).toBe(
          "Deezer's file is on a private network address, so genrebot did not download it.",
        );
        expect(asked).toEqual(["cdns-preview-a.dzcdn.net"]); // refused once: not retried
      } finally {
        await dispatcher.close();
      }
    },
  );

  it("one private address among public ones is enough to refuse (no round-robin luck)", async () => {
    const asked: string[] = [];
    const answers = [
      { address: "93.184.215.14", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    const dispatcher = publicOnlyAgent(fakeResolver(answers, asked));
    try {
      const error = await failure(fetchAudio("https://p.scdn.co/mp3-preview/x", "spotify", { dispatcher }));
      expect(error.code).toBe("address-not-public");
    } finally {
      await dispatcher.close();
    }
  });

  it("public addresses pass the check", () => {
    for (const address of ["93.184.215.14", "151.101.1.1", "2606:4700::6810:85e5", "8.8.8.8"]) {
      expect(isPublicAddress(address)).toBe(true);
    }
    for (const address of Object.values(HOSTILE_ANSWERS)) expect(isPublicAddress(address)).toBe(false);
  });
});
