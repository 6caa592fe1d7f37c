{{/* The chart's name, or nameOverride. */}}
{{- define "bakerybot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's resource name: fullnameOverride, else <release>-<chart> (just <release> when it holds the chart's name). */}}
{{- define "bakerybot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "bakerybot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bakerybot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "bakerybot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "bakerybot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The chart's own Secret (connection string and/or platform secrets given as values). */}}
{{- define "bakerybot.secretName" -}}
{{- include "bakerybot.fullname" . }}
{{- end }}

{{/* Whether the chart's own Secret is needed: a value given for something no existing Secret holds. */}}
{{- define "bakerybot.ownSecret" -}}
{{- if or (not .Values.database.existingSecret) (not .Values.secrets.existingSecret) }}true{{- end }}
{{- end }}
