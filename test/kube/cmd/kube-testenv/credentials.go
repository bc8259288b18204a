// Credentials made fresh for every start: a CA and the serving certificate it signs, the
// service-account signing key, and bearer tokens for an admin and two unprivileged identities.
// A resumed start (-resume) reads them back instead, so clients' kubeconfigs stay valid.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// identity is one line of the static token file.
type identity struct {
	Name   string   `json:"name"`
	User   string   `json:"user"`
	Groups []string `json:"groups"`
	Token  string   `json:"token"`
}

type credentials struct {
	caPEM             []byte
	caFile            string
	servingCert       string
	servingKey        string
	serviceAccountKey string
	serviceAccountPub string
	tokenFile         string
	adminToken        string
	identities        []identity
}

// The unprivileged identities hold no role at all: a test grants what it needs with a Role and
// RoleBinding, so RBAC rules are proven rather than assumed. One is a plain user, one is shaped
// like a ServiceAccount (the subject kind the Helm chart binds).
func newIdentities() ([]identity, error) {
	ids := []identity{
		{Name: "admin", User: "admin", Groups: []string{"system:masters"}},
		{Name: "alice", User: "alice", Groups: []string{}},
		{
			Name:   "robot",
			User:   "system:serviceaccount:grantpool-test:robot",
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:grantpool-test"},
		},
	}
	for i := range ids {
		secret := make([]byte, 24)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		ids[i].Token = hex.EncodeToString(secret)
	}
	return ids, nil
}

// credentialFiles names the files of a credentials set; both the fresh and the resumed start use it,
// so they cannot disagree about where a file lives.
func credentialFiles(pki string) credentials {
	return credentials{
		caFile:            filepath.Join(pki, "ca.crt"),
		servingCert:       filepath.Join(pki, "apiserver.crt"),
		servingKey:        filepath.Join(pki, "apiserver.key"),
		serviceAccountKey: filepath.Join(pki, "sa.key"),
		serviceAccountPub: filepath.Join(pki, "sa.pub"),
		tokenFile:         filepath.Join(pki, "tokens.csv"),
	}
}

func writeCredentials(pki string, node *nodeAddresses) (credentials, error) {
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return credentials{}, err
	}
	c := credentialFiles(pki)
	caKey, caCert, err := newCA()
	if err != nil {
		return c, err
	}
	c.caPEM = pemBlock("CERTIFICATE", caCert.Raw)
	if err := os.WriteFile(c.caFile, c.caPEM, 0o644); err != nil {
		return c, err
	}
	if err := writeServingCert(c, caKey, caCert, node); err != nil {
		return c, err
	}
	if err := writeKeyPair(c.serviceAccountKey, c.serviceAccountPub); err != nil {
		return c, err
	}
	if c.identities, err = newIdentities(); err != nil {
		return c, err
	}
	c.adminToken = c.identities[0].Token
	var lines strings.Builder
	for _, id := range c.identities {
		fmt.Fprintf(&lines, "%s,%s,%s,\"%s\"\n", id.Token, id.User, id.User, strings.Join(id.Groups, ","))
	}
	return c, os.WriteFile(c.tokenFile, []byte(lines.String()), 0o600)
}

func newCA() (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := certTemplate("grantpool-test-ca")
	template.IsCA = true
	template.BasicConstraintsValid = true
	template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

func writeServingCert(c credentials, caKey *ecdsa.PrivateKey, caCert *x509.Certificate, node *nodeAddresses) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := certTemplate("kube-apiserver")
	template.KeyUsage = x509.KeyUsageDigitalSignature
	template.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	template.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"}
	// 10.0.0.1 is the `kubernetes` Service's address in --service-cluster-ip-range.
	template.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(10, 0, 0, 1)}
	if node != nil {
		// Pods reach it at the node's address (the kubernetes Service's endpoint), the host at
		// the address of the namespace's end of the veth pair.
		template.IPAddresses = append(template.IPAddresses, node.node, node.public)
	}
	der, err := x509.CreateCertificate(rand.Reader, template, caCert, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.servingCert, pemBlock("CERTIFICATE", der), 0o644); err != nil {
		return err
	}
	return os.WriteFile(c.servingKey, pemBlock("PRIVATE KEY", keyDER), 0o600)
}

func writeKeyPair(keyFile, pubFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pemBlock("PRIVATE KEY", keyDER), 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubFile, pemBlock("PUBLIC KEY", pubDER), 0o644)
}

func certTemplate(commonName string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		// A little slack for clock differences; a test server never lives a year.
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(365 * 24 * time.Hour),
	}
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}
