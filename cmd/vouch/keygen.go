package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vouch-dev/vouch/sign"
)

type keygenOptions struct {
	Prefix string
	Force  bool
}

func newKeygenCmd() *cobra.Command {
	o := &keygenOptions{}
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Write a cosign key pair (PREFIX.key, PREFIX.pub) for signing",
		Long: `keygen writes an ECDSA P-256 cosign key pair: PREFIX.key, encrypted with the
password in COSIGN_PASSWORD (may be empty), and PREFIX.pub. Without
COSIGN_PASSWORD it asks on the terminal; it never reads a password from a
stdin that is not a terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKeygen(cmd, o)
		},
	}
	cmd.Flags().StringVar(&o.Prefix, "output-key-prefix", "cosign", "write PREFIX.key and PREFIX.pub")
	cmd.Flags().BoolVarP(&o.Force, "force", "f", false, "overwrite existing key files")
	return cmd
}

func runKeygen(cmd *cobra.Command, o *keygenOptions) error {
	keyFile, pubFile := o.Prefix+".key", o.Prefix+".pub"
	if !o.Force {
		for _, f := range []string{keyFile, pubFile} {
			if _, err := os.Stat(f); err == nil {
				return usagef("%s exists; pass --force to overwrite it", f)
			}
		}
	}
	kp, err := sign.GenerateKeys(passwordFunc(cmd.InOrStdin(), cmd.ErrOrStderr(), true))
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, kp.Private, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(pubFile, kp.Public, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Private key written to %s\nPublic key written to %s\n", keyFile, pubFile)
	return nil
}

// passwordFunc reads a key password from COSIGN_PASSWORD (set, even
// empty, wins), else from the terminal; never from a stdin that is not a
// terminal, where cosign's own helper would hang or read garbage.
func passwordFunc(stdin io.Reader, stderr io.Writer, confirm bool) sign.PassFunc {
	return func() ([]byte, error) {
		if pw, ok := os.LookupEnv("COSIGN_PASSWORD"); ok {
			return []byte(pw), nil
		}
		f, ok := stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, errors.New("COSIGN_PASSWORD is not set and stdin is not a terminal; set COSIGN_PASSWORD (it may be empty)")
		}
		fmt.Fprint(stderr, "Enter password for private key: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil || !confirm {
			return pw, err
		}
		fmt.Fprint(stderr, "Enter password for private key again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(pw, again) {
			return nil, errors.New("passwords do not match")
		}
		return pw, nil
	}
}
