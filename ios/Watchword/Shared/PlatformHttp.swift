import Foundation
import WatchwordCore

/// Carries the core's requests (built, signed and checked by the core) over
/// the platform's HTTP stack, `URLSession`. So certificates are checked by
/// the system trust evaluation (with App Transport Security and any
/// configuration profile the employer installs), and the system proxy and
/// VPN apply; the core library carries no TLS stack of its own.
///
/// An ephemeral session: no cookies, no cache, nothing written to disk.
/// Never logs the body: it may hold an activation code. Shared with the
/// notification service extension.
final class PlatformHttp: HttpTransport {
    private let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.waitsForConnectivity = false
        return URLSession(configuration: configuration)
    }()

    func send(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw HttpError.Failed(reason: "not a URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = Self.name(of: request.method)
        urlRequest.timeoutInterval = TimeInterval(request.timeoutMs) / 1000
        urlRequest.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if request.method == .post {
            urlRequest.httpBody = request.body
        }
        var data = Data()
        let response: URLResponse
        do {
            let (bytes, head) = try await session.bytes(for: urlRequest)
            response = head
            // Stop reading where the core would refuse the reply anyway.
            for try await byte in bytes {
                data.append(byte)
                if data.count > Self.maxBodyBytes {
                    throw HttpError.Failed(reason: "the reply is larger than \(Self.maxBodyBytes) bytes")
                }
            }
        } catch let error as URLError {
            throw Self.transportError(error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw HttpError.Failed(reason: "not an HTTP response")
        }
        let headers = http.allHeaderFields.compactMap { name, value -> HttpHeader? in
            guard let name = name as? String else { return nil }
            return HttpHeader(name: name, value: "\(value)")
        }
        return HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: data)
    }

    /// The core refuses larger replies (`MAX_RESPONSE_BYTES`).
    private static let maxBodyBytes = 1 << 20

    private static func name(of method: HttpMethod) -> String {
        switch method {
        case .get: return "GET"
        case .head: return "HEAD"
        case .post: return "POST"
        }
    }

    /// No response at all: a timeout, no way to reach the server (DNS,
    /// refused, no network, a TLS failure), or anything else.
    private static func transportError(_ error: URLError) -> HttpError {
        switch error.code {
        case .timedOut:
            return HttpError.Timeout
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .networkConnectionLost, .secureConnectionFailed, .serverCertificateUntrusted,
             .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return HttpError.Connect(reason: error.localizedDescription)
        default:
            return HttpError.Failed(reason: error.localizedDescription)
        }
    }
}
