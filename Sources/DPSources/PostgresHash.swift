/// PostgreSQL's built-in hash of a 4-byte integer with a 64-bit seed (`hashint4extended`, Bob
/// Jenkins's lookup3 mix and final over one 32-bit word), computed here bit for bit as the server
/// computes it, so a digest taken in the database (`PostgresCounts.encodedRowsDigest`) equals one taken over
/// the same codes in this process. Not cryptographic: a collision makes other data count as the
/// same data, never the reverse.
enum PostgresHash {
    /// `hashint4extended(value, seed)` as PostgreSQL returns it, as unsigned bits.
    static func int4(_ value: UInt32, seed: UInt64) -> UInt64 {
        var a: UInt32 = 0x9E37_79B9 &+ 4 &+ 3_923_095
        var b = a
        var c = a
        if seed != 0 {
            a &+= UInt32(truncatingIfNeeded: seed >> 32)
            b &+= UInt32(truncatingIfNeeded: seed)
            mix(&a, &b, &c)
        }
        a &+= value
        final(&a, &b, &c)
        return UInt64(b) << 32 | UInt64(c)
    }

    static func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { x << k | x >> (32 - k) }

    static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c
        a ^= rotate(c, 4)
        c &+= b
        b &-= a
        b ^= rotate(a, 6)
        a &+= c
        c &-= b
        c ^= rotate(b, 8)
        b &+= a
        a &-= c
        a ^= rotate(c, 16)
        c &+= b
        b &-= a
        b ^= rotate(a, 19)
        a &+= c
        c &-= b
        c ^= rotate(b, 4)
        b &+= a
    }

    static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b
        c &-= rotate(b, 14)
        a ^= c
        a &-= rotate(c, 11)
        b ^= a
        b &-= rotate(a, 25)
        c ^= b
        c &-= rotate(b, 16)
        a ^= c
        a &-= rotate(c, 4)
        b ^= a
        b &-= rotate(a, 14)
        c ^= b
        c &-= rotate(b, 24)
    }
}
