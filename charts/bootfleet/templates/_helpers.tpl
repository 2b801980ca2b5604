{{/* The chart's name, or nameOverride. */}}
{{- define "bootfleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The objects' name: fullnameOverride, or the release's name (with the chart's unless it holds it). */}}
{{- define "bootfleet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "bootfleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bootfleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "bootfleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "bootfleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: server
app.kubernetes.io/part-of: bootfleet
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* repository@digest when a digest is set (it wins), else repository:tag (the tag defaults to appVersion). */}}
{{- define "bootfleet.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The container port's name: https when the server speaks TLS (tls.secretName), else http. */}}
{{- define "bootfleet.portName" -}}
{{- if .Values.tls.secretName -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{/*
The settings the values cannot hold together, all at once, each on its own line naming the value and
what it expects. values.schema.json checks each value's form; this checks how they combine.
*/}}
{{- define "bootfleet.validate" -}}
{{- $problems := list -}}
{{- if and (not .Values.git.repo) (not .Values.git.urlSecret.name) -}}
{{- $problems = append $problems "git.repo: empty (expected the fleet repository's URL, or git.urlSecret.name naming a Secret that holds it)" -}}
{{- end -}}
{{- if regexMatch "^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@" .Values.git.repo -}}
{{- $problems = append $problems "git.repo: holds a password (user:password@host; not repeated here) (expected a URL without one, and the URL with its credential in a Secret named by git.urlSecret.name)" -}}
{{- end -}}
{{- if and .Values.git.repo .Values.git.urlSecret.name -}}
{{- $problems = append $problems (printf "git.urlSecret.name: %q and git.repo both set (expected one of them)" .Values.git.urlSecret.name) -}}
{{- end -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.database.urlSecret.name) -}}
{{- $problems = append $problems (printf "replicas: %d without database.urlSecret.name (expected 1, or a PostgreSQL store the replicas share: the embedded store is one pod's own)" (int .Values.replicas)) -}}
{{- end -}}
{{- if and .Values.database.passwordSecret.name (not .Values.database.urlSecret.name) -}}
{{- $problems = append $problems "database.passwordSecret.name: set without database.urlSecret.name (expected both, or neither)" -}}
{{- end -}}
{{- if and (gt (int .Values.replicas) 1) .Values.persistence.enabled (not .Values.persistence.existingClaim) (has "ReadWriteOnce" .Values.persistence.accessModes) -}}
{{- $problems = append $problems (printf "persistence.accessModes: ReadWriteOnce with replicas: %d (expected ReadWriteMany: every replica mounts the same claim)" (int .Values.replicas)) -}}
{{- end -}}
{{- if and .Values.tls.clientCA.secretName (not .Values.tls.secretName) -}}
{{- $problems = append $problems (printf "tls.clientCA.secretName: %q without tls.secretName (expected both: mutual TLS is on HTTPS)" .Values.tls.clientCA.secretName) -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n%s" (join "\n" $problems)) -}}
{{- end -}}
{{- end -}}

{{/*
A probe of one path: GET over https with tls.secretName, else http; with mutual TLS a TCP connection
only, as the kubelet cannot present a client certificate. Takes (dict "path" P "root" $).
*/}}
{{- define "bootfleet.probe" -}}
{{- if .root.Values.tls.clientCA.secretName -}}
tcpSocket:
  port: https
{{- else -}}
httpGet:
  path: {{ .path }}
  port: {{ include "bootfleet.portName" .root }}
  {{- if .root.Values.tls.secretName }}
  scheme: HTTPS
  {{- end }}
{{- end -}}
{{- end -}}
