package cli_test

// Ids of the objects the fake APIs of these tests answer, of the shape
// the API gives (prefix_ulid), so that the CLI takes them for ids and
// not names; A and B are two objects of a kind.
const (
	insA = "ins_01jd8x5v2k3m4n5p6q7r8s9t0a"
	insB = "ins_01jd8x5v2k3m4n5p6q7r8s9t0b"
	prjA = "prj_01jd8x5v2k3m4n5p6q7r8s9t0a"
	prjB = "prj_01jd8x5v2k3m4n5p6q7r8s9t0b"
	usrA = "usr_01jd8x5v2k3m4n5p6q7r8s9t0a"
	usrV = "usr_01jd8x5v2k3m4n5p6q7r8s9t0v"
	appA = "app_01jd8x5v2k3m4n5p6q7r8s9t0a"
	appB = "app_01jd8x5v2k3m4n5p6q7r8s9t0b"
	relA = "rel_01jd8x5v2k3m4n5p6q7r8s9t0a"
	wlA  = "wl_01jd8x5v2k3m4n5p6q7r8s9t0a"
	offA = "off_01jd8x5v2k3m4n5p6q7r8s9t0a"
	prvA = "prv_01jd8x5v2k3m4n5p6q7r8s9t0a"
	blA  = "bl_01jd8x5v2k3m4n5p6q7r8s9t0aa"
	tokA = "tok_01jd8x5v2k3m4n5p6q7r8s9t0a"
	sitA = "sit_01jd8x5v2k3m4n5p6q7r8s9t0a"
	keyA = "key_01jd8x5v2k3m4n5p6q7r8s9t0a"
)
