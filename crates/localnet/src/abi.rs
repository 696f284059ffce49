//! The Solidity interfaces of the precompiles this chain implements: the
//! parts of Arbitrum's `ArbWasm` (0x71) and `ArbWasmCache` (0x72) that the
//! chain answers, with their errors and events as Nitro declares them
//! (OffchainLabs/nitro-contracts `src/precompiles/ArbWasm.sol`,
//! `ArbWasmCache.sol`).

alloy_sol_types::sol! {
    /// Stylus program activation and its parameters (0x71).
    #[derive(Debug, PartialEq, Eq)]
    interface ArbWasm {
        /// Activates the program at `program` (its code hash).
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        /// The current Stylus version.
        function stylusVersion() external view returns (uint16 version);
        /// The version a code hash is activated at.
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        /// The version the program at `program` is activated at.
        function programVersion(address program) external view returns (uint16 version);
        /// Gas to enter the program: uncached (init + cached part) and cached.
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        /// The program's initial memory, in pages.
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        /// Ink per gas.
        function inkPrice() external view returns (uint32 price);
        /// Pages a transaction opens for free.
        function freePages() external view returns (uint16 pages);
        /// Gas per page above the free ones.
        function pageGas() external view returns (uint16 gas);
        /// Most pages open at once in a transaction.
        function pageLimit() external view returns (uint16 limit);
        /// The fixed parts of the entry cost: uncached and cached.
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        /// Extends a code hash's activation by resetting its age, for a data fee.
        function codehashKeepalive(bytes32 codehash) external payable;
        /// Seconds until the program at `program` expires.
        function programTimeLeft(address program) external view returns (uint64 secs);
        /// The predicted machine-code size of an activated code hash.
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        /// Days after which an activation expires.
        function expiryDays() external view returns (uint16 _days);
        /// Days before a keepalive is allowed.
        function keepaliveDays() external view returns (uint16 _days);

        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    /// The cache of programs that skip the init cost (0x72).
    #[derive(Debug, PartialEq, Eq)]
    interface ArbWasmCache {
        /// Whether `manager` is a cache manager (nobody is on this chain).
        function isCacheManager(address manager) external view returns (bool);
        /// The cache managers: none here; the chain owner may cache.
        function allCacheManagers() external view returns (address[] memory managers);
        /// Caches the program at `addr` (its code hash).
        function cacheProgram(address addr) external;
        /// Evicts a code hash from the cache.
        function evictCodehash(bytes32 codehash) external;
        /// Whether a code hash is cached.
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}
