import Testing

extension Tag {
    /// Suites that take tens of seconds or more (training, whole data sets, real terminals and servers):
    /// `swift test --skip-tags slow` … is not a thing in swift-testing's CLI, so filter by suite name to leave them
    /// out; the tag shows them in reports and IDEs.
    @Tag public static var slow: Self
}
