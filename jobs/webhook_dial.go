package jobs

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// webhookClient is the HTTP client publish webhooks use. Unless
// allowPrivate, it refuses to connect to any address that is not public:
// loopback, private, link-local, shared (CGNAT), unspecified and multicast
// ranges. The check runs on the address being connected to (net.Dialer's
// Control), after DNS, so a name that resolves, or later re-resolves, to
// an internal address cannot get around it; and no proxy is used, whose
// own address would be the one checked.
func webhookClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = publicOnly
	}
	tr := &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true, MaxIdleConns: 10,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 15 * time.Second}
	return &http.Client{Timeout: 15 * time.Second, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// publicOnly is a net.Dialer Control function refusing non-public
// addresses.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("webhook target %q is not an IP address", host)
	}
	if !publicAddr(ip) {
		return fmt.Errorf("webhook target %s is not a public address (CANDOR_PUBLISH_WEBHOOKS_ALLOW_PRIVATE=true allows it)", ip)
	}
	return nil
}

var sharedRange = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT, RFC 6598

func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !sharedRange.Contains(ip) && !(ip.Is4() && ip.As4()[0] == 0)
}
