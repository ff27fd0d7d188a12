package cloudinit

import (
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const edKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example"

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		ud   string
		want Problem
	}{
		{"empty", "", ""},
		{"cloud-config", "#cloud-config\npackages: [nginx]\n", ""},
		{"cloud-config empty", "#cloud-config\n", ""},
		{"script", "#!/bin/sh\necho hi\n", ""},
		{"plain text", "hello world", NotCloudInit},
		{"bad yaml", "#cloud-config\npackages: [nginx\n", BadYAML},
		{"list document", "#cloud-config\n- a\n- b\n", NotMapping},
		{"runcmd not a list", "#cloud-config\nruncmd: reboot\n", BadMergedField},
		{"too large", "#!/bin/sh\n" + strings.Repeat("x", MaxUserData), TooLarge},
		{"not utf8", "#!/bin/sh\n\xff\xfe", NotUTF8},
	}
	for _, c := range cases {
		err := Validate(c.ud)
		var e *Error
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (!errors.As(err, &e) || e.Problem != c.want):
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		case c.want != "" && !errors.Is(err, ErrInvalid):
			t.Errorf("%s: not ErrInvalid", c.name)
		}
	}
}

func TestRenderMergesCloudConfig(t *testing.T) {
	t.Parallel()
	in := Input{
		AuthorizedKeys: []string{edKey},
		UserData:       "#cloud-config\npackages: [nginx]\nruncmd:\n  - echo user\nssh_authorized_keys:\n  - " + edKey + "\n",
		Files:          []File{{Path: "/etc/ssh/sshd_config.d/50-soberana.conf", Content: "TrustedUserCAKeys /etc/ssh/ca.pub\n", Permissions: "0644"}},
		RunCmd:         []string{"systemctl reload ssh"},
	}
	doc, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc, "#cloud-config\n") {
		t.Fatalf("not a cloud-config:\n%s", doc)
	}
	var got struct {
		Packages   []string `yaml:"packages"`
		Keys       []string `yaml:"ssh_authorized_keys"`
		RunCmd     []string `yaml:"runcmd"`
		WriteFiles []File   `yaml:"write_files"`
	}
	if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Keys) != 1 || got.Keys[0] != edKey {
		t.Errorf("keys: %v (the user's copy of the same key appears once)", got.Keys)
	}
	if len(got.RunCmd) != 2 || got.RunCmd[0] != "systemctl reload ssh" || got.RunCmd[1] != "echo user" {
		t.Errorf("runcmd: %v (soberana's first, then the user's)", got.RunCmd)
	}
	if len(got.WriteFiles) != 1 || got.WriteFiles[0].Permissions != "0644" {
		t.Errorf("write_files: %+v", got.WriteFiles)
	}
	if len(got.Packages) != 1 {
		t.Errorf("the user's packages were lost: %v", got.Packages)
	}
	again, _ := Render(in)
	if again != doc {
		t.Error("rendering is not repeatable")
	}
}

func TestRenderScriptIsMultipart(t *testing.T) {
	t.Parallel()
	doc, err := Render(Input{AuthorizedKeys: []string{edKey}, UserData: "#!/bin/sh\necho hello\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Content-Type: multipart/mixed; boundary=", "text/cloud-config", "text/x-shellscript", "echo hello", edKey} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in:\n%s", want, doc)
		}
	}
	if again, _ := Render(Input{AuthorizedKeys: []string{edKey}, UserData: "#!/bin/sh\necho hello\n"}); again != doc {
		t.Error("rendering is not repeatable")
	}
}

func TestRenderKeysOnly(t *testing.T) {
	t.Parallel()
	doc, err := Render(Input{AuthorizedKeys: []string{edKey}})
	if err != nil {
		t.Fatal(err)
	}
	if doc != "#cloud-config\nssh_authorized_keys:\n  - "+edKey+"\n" {
		t.Errorf("got:\n%s", doc)
	}
	if _, err := Render(Input{UserData: "nope"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid user-data rendered: %v", err)
	}
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	k, err := ParsePublicKey("  " + edKey + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if k.Type != "ssh-ed25519" || !strings.HasPrefix(k.Fingerprint, "SHA256:") || k.Authorized != edKey {
		t.Errorf("%+v", k)
	}
	for _, bad := range []string{
		"", "hello", "ssh-ed25519 notbase64",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
		`command="rm -rf /" ` + edKey,
		edKey + "\n" + edKey,
	} {
		if _, err := ParsePublicKey(bad); !errors.Is(err, ErrNotPublicKey) {
			t.Errorf("%q accepted", bad)
		}
	}
}
