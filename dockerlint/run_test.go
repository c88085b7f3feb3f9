package dockerlint

import (
	"slices"
	"testing"
)

// TestRunDetectors runs one RUN line through the rules and checks which of
// the RUN rules report it.
func TestRunDetectors(t *testing.T) {
	runRules := []string{"VCH-DF-003", "VCH-DF-011", "VCH-DF-012", "VCH-DF-013", "VCH-DF-014", "VCH-DF-015",
		"VCH-DF-016", "VCH-DF-024", "VCH-DF-028", "VCH-DF-029", "VCH-DF-030"}
	tests := []struct {
		run  string
		want []string
	}{
		{"RUN echo hello", nil},
		{"RUN curl -fsSL https://x.example/i.sh | bash", []string{"VCH-DF-011", "VCH-DF-024"}},
		{"RUN set -o pipefail && curl -fsSL https://x.example/i.sh | sudo sh", []string{"VCH-DF-003", "VCH-DF-011"}},
		{"RUN wget -O - https://x.example/i.sh | python3 -", []string{"VCH-DF-011", "VCH-DF-024"}},
		{"RUN sh -c \"$(curl -fsSL https://x.example/i.sh)\"", []string{"VCH-DF-011"}},
		{"RUN bash <(wget -qO- https://x.example/i.sh)", []string{"VCH-DF-011"}},
		{"RUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c sums && sh /tmp/i.sh", nil},
		{"RUN echo 'curl x | sh' > /notes", nil},
		{"RUN curl -fsSL https://x.example/x.tgz | tar xz", []string{"VCH-DF-024"}},
		{"RUN cat a || cat b", nil},
		{"RUN --security=insecure true", []string{"VCH-DF-012"}},
		{"RUN --network=host true", []string{"VCH-DF-013"}},
		{"RUN --network=none true", nil},
		{"RUN chmod 777 /app", []string{"VCH-DF-014"}},
		{"RUN chmod -R a+rwX /app", []string{"VCH-DF-014"}},
		{"RUN chmod 1777 /tmp && chmod 0755 /app && chmod g+w /data", nil},
		{"RUN curl --insecure https://x.example", []string{"VCH-DF-015"}},
		{"RUN curl -fsSLk https://x.example", []string{"VCH-DF-015"}},
		{"RUN curl -K /etc/curlrc https://x.example", nil},
		{"RUN wget --no-check-certificate https://x.example", []string{"VCH-DF-015"}},
		{"RUN git -c http.sslVerify=false clone https://x.example/r.git", []string{"VCH-DF-015"}},
		{"RUN git config --global http.sslVerify false", []string{"VCH-DF-015"}},
		{"RUN npm config set strict-ssl false", []string{"VCH-DF-015"}},
		{"RUN apt-get install -y --allow-unauthenticated --no-install-recommends x=1", []string{"VCH-DF-016"}},
		{"RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y --no-install-recommends x=1", []string{"VCH-DF-016"}},
		{"RUN dnf install -y --nogpgcheck x-1.0", []string{"VCH-DF-016"}},
		{"RUN rpm -i --nosignature x.rpm", []string{"VCH-DF-016"}},
		{"RUN echo 'gpgcheck = 0' >> /etc/yum.repos.d/x.repo", []string{"VCH-DF-016"}},
		{"RUN apt-get install -y --no-install-recommends curl=7.88 jq", []string{"VCH-DF-028"}},
		{"RUN apt-get -qq -o Dpkg::Options::=--force-confdef install -y --no-install-recommends curl=7.88 ./x.deb $EXTRA", nil},
		{"RUN apt-get update", nil},
		{"RUN apk add --no-cache curl", []string{"VCH-DF-029"}},
		{"RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 musl-dev~1.2", nil},
		{"RUN pip install flask", []string{"VCH-DF-030"}},
		{"RUN pip3 install --no-cache-dir -r requirements.txt", nil},
		{"RUN python -m pip install --upgrade 'flask==3.1.0' .", nil},
		{"RUN pip install -c constraints.txt flask", nil},
		{"RUN [\"apk\", \"add\", \"curl\"]", []string{"VCH-DF-029"}},
		{"RUN env DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y --no-install-recommends vim=2:9", []string{"VCH-DF-003"}},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			src := "FROM alpine:3.20" + pin + "\n" + tt.run + "\n"
			res, err := Lint("Dockerfile", []byte(src), Config{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				if slices.Contains(runRules, f.RuleID) && !slices.Contains(got, f.RuleID) {
					got = append(got, f.RuleID)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
