/** Discord's epoch (2015-01-01): snowflakes count milliseconds from here in their top 42 bits. */
const DISCORD_EPOCH = 1_420_070_400_000n;
let sequence = 0n;

/** A fresh, time-ordered snowflake, so discord.js derives sensible `createdAt` dates from our ids. */
export function snowflake(): string {
  sequence = (sequence + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | sequence).toString();
}
