/// One EBML element (Matroska, WebM) whose header was read from the view.
struct EBMLElement {
    /// The ID with its length marker kept, as the Matroska spec writes IDs (e.g. 0x1A45DFA3).
    let id: UInt32
    let dataStart: Int
    /// The end of the element's data, clamped to the bytes available: an element may run past
    /// the prefix we were given, and one of unknown size (live streams) runs to its parent's end.
    let dataEnd: Int
}

extension ByteView {
    /// The elements from `start` up to `end`, stopping at the first that cannot be read.
    func ebmlElements(from start: Int, to end: Int) -> [EBMLElement] {
        var elements: [EBMLElement] = []
        var offset = start
        // The count cap bounds the work on hostile input made of tiny elements.
        while offset < end, elements.count < 4096, let element = ebmlElement(at: offset, limit: end) {
            elements.append(element)
            offset = element.dataEnd
        }
        return elements
    }

    func ebmlElement(at offset: Int, limit: Int) -> EBMLElement? {
        guard let (id, idLength) = ebmlVariableInteger(at: offset, maxLength: 4, keepMarker: true),
            let (size, sizeLength) = ebmlVariableInteger(at: offset + idLength, maxLength: 8, keepMarker: false)
        else { return nil }
        let dataStart = offset + idLength + sizeLength
        guard dataStart <= limit else { return nil }
        let unknownSize = size == (UInt64(1) << (7 * UInt64(sizeLength))) - 1
        let dataEnd = unknownSize ? limit : (dataStart.advanced(by: size, within: limit) ?? limit)
        return EBMLElement(id: UInt32(truncatingIfNeeded: id), dataStart: dataStart, dataEnd: dataEnd)
    }

    /// An unsigned integer of an element's data (big-endian, 0–8 bytes).
    func ebmlUnsigned(_ element: EBMLElement) -> UInt64? {
        let length = element.dataEnd - element.dataStart
        guard length <= 8, contains(element.dataStart, length: length) else { return nil }
        return bytes[element.dataStart..<element.dataEnd].reduce(0) { $0 << 8 | UInt64($1) }
    }

    func ebmlFloat(_ element: EBMLElement) -> Double? {
        switch element.dataEnd - element.dataStart {
        case 4: uint32(element.dataStart).map { Double(Float(bitPattern: $0)) }
        case 8: uint64(element.dataStart).map { Double(bitPattern: $0) }
        default: nil
        }
    }

    /// An EBML string: ASCII padded with zero bytes.
    func ebmlString(_ element: EBMLElement) -> String? {
        ascii(element.dataStart, length: element.dataEnd - element.dataStart).map {
            String($0.prefix { $0 != "\u{0}" })
        }
    }

    /// The length of a variable-size integer is given by the position of the first set bit of
    /// its first byte.
    private func ebmlVariableInteger(at offset: Int, maxLength: Int, keepMarker: Bool) -> (UInt64, Int)? {
        guard let first = uint8(offset), first != 0 else { return nil }
        let length = first.leadingZeroBitCount + 1
        guard length <= maxLength, contains(offset, length: length) else { return nil }
        var value = UInt64(keepMarker ? first : first & (0xFF >> length))
        for index in 1..<length {
            value = value << 8 | UInt64(bytes[offset + index])
        }
        return (value, length)
    }
}
