import NIOCore

/// One value for each event loop of a group (the loop's `FlushTurns`, its `ConnectionTable`), made on the loop the
/// first time one of its connections asks for it, and used on that loop only.
struct PerEventLoop<Value: AnyObject>: Sendable {
    private let boxes: [ObjectIdentifier: NIOLoopBoundBox<Value?>]
    private let make: @Sendable (any EventLoop) -> Value

    init(group: any EventLoopGroup, make: @escaping @Sendable (any EventLoop) -> Value) {
        var boxes: [ObjectIdentifier: NIOLoopBoundBox<Value?>] = [:]
        for loop in group.makeIterator() {
            boxes[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: Value.self, eventLoop: loop)
        }
        self.boxes = boxes
        self.make = make
    }

    /// The number of event loops.
    var count: Int { boxes.count }

    /// The value of `eventLoop`; call it on that loop. A loop outside the group gets a value of its own each time.
    func value(on eventLoop: any EventLoop) -> Value {
        guard let box = boxes[ObjectIdentifier(eventLoop)] else { return make(eventLoop) }
        if let value = box.value { return value }
        let value = make(eventLoop)
        box.value = value
        return value
    }
}
