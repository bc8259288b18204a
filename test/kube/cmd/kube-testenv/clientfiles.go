// The files clients read: a kubeconfig with one context per identity (admin is current, CA
// embedded) and identities.json with every identity's token for tests.
package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
)

func writeClientFiles(dir, url string, c credentials) error {
	if err := writeJSON(filepath.Join(dir, "identities.json"), map[string]any{
		"server":     url,
		"caFile":     c.caFile,
		"identities": c.identities,
	}); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, "kubeconfig"), kubeconfig(url, c))
}

// kubeconfig is written as JSON, which kubectl, helm and client-node all read as YAML.
func kubeconfig(url string, c credentials) map[string]any {
	cluster := map[string]any{
		"server":                     url,
		"certificate-authority-data": base64.StdEncoding.EncodeToString(c.caPEM),
	}
	users := []map[string]any{}
	contexts := []map[string]any{}
	for _, id := range c.identities {
		users = append(users, map[string]any{"name": id.Name, "user": map[string]any{"token": id.Token}})
		contexts = append(contexts, map[string]any{
			"name":    id.Name,
			"context": map[string]any{"cluster": "grantpool-test", "user": id.Name, "namespace": "default"},
		})
	}
	return map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"clusters":        []map[string]any{{"name": "grantpool-test", "cluster": cluster}},
		"users":           users,
		"contexts":        contexts,
		"current-context": "admin",
	}
}

// writeJSON writes through a temporary file and a rename, so a reader never sees half a file.
func writeJSON(path string, value any) error {
	data, err := json.MarshalIndent(value, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
