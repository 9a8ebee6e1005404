extension Array {
    /// A copy of `slice` in a buffer of its own, exactly as large as the slice.
    ///
    /// `Array(slice)` hands back the slice's own buffer when the slice spans all of it. The
    /// parsers build each container on a reusable stack and then drop the container's part of
    /// it: sharing would cost the stack its buffer (a new one on the next push) and leave the
    /// value holding the stack's spare capacity.
    @inline(__always)
    init(ownedCopyOf slice: ArraySlice<Element>) {
        self.init(unsafeUninitializedCapacity: slice.count) { buffer, initialized in
            slice.withUnsafeBufferPointer { source in
                _ = buffer.initialize(fromContentsOf: source)
            }
            initialized = slice.count
        }
    }
}
