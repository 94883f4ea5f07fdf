
/// The drawing page served at `/`, embedded in the binary: nothing is read from disk or fetched from a CDN.
enum WebPage {
    /// One embedded file.
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let content: String
    }

    static let assets: [Asset] = [
        Asset(path: "/", contentType: "text/html; charset=utf-8", content: pageHTML),
        Asset(path: "/index.html", contentType: "text/html; charset=utf-8", content: pageHTML),
        Asset(path: "/style.css", contentType: "text/css; charset=utf-8", content: pageStyle),
        Asset(path: "/app.js", contentType: "text/javascript; charset=utf-8", content: pageScript),
    ]

    /// Headers for a page file besides its type: a short cache, and a policy that allows only this server's own files.
    static let headers: [(String, String)] = [
        ("Cache-Control", "no-cache"),
        ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
}
