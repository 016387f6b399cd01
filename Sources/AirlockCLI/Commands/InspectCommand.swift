import ArgumentParser
import Foundation
import OCI
import Transfer

/// `airlock inspect`: Show the images, signatures and attestations in a tarball or layout.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the images, signatures and attestations in a tarball or layout.",
        discussion: """
        Prints a tree: images, their platforms, and the signatures, attestations and bundle \
        referrers attached to each (like `cosign tree`). A tarball is not extracted: only its \
        small entries are read, and for an airlock tarball reading stops before the layers.

        Entries of index.json that belong to no image (an attachment whose image is not \
        there, that is tagged otherwise or that is not shaped like its kind) are listed as \
        unattached: unpack refuses such a tarball. \
        With a check such as --require-signatures, each image's verdict is shown too, and the \
        exit status is 1 when one fails, when an entry is unattached, or when there is no image.
        """
    )

    @Argument(help: ArgumentHelp("A tarball or an OCI layout directory.", valueName: "tarball-or-layout"))
    var source: String

    @OptionGroup var arrival: ArrivalOptions

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let report = try TransferFailure.mapping {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw TransferError(.malformed, "\(source) does not exist")
            }
            let url = URL(fileURLWithPath: source)
            return isDirectory.boolValue ? try Inspector().inspect(layout: url, checks: arrival.checks())
                : try Inspector().inspect(archive: url, checks: arrival.checks())
        }
        switch outputOptions.output {
        case .text: Terminal.printLines(InspectTree(report: report).textLines)
        case .json: print(try InspectTree(report: report).json())
        }
        if !report.reports.isEmpty, let refusal = report.arrivalRefusal {
            throw CommandFailure(refusal, status: .rejected)
        }
        for check in report.reports where !check.passed {
            let failed = check.verdicts.filter { !$0.passed }.count
            throw CommandFailure("\(failed) of \(check.verdicts.count) image(s) failed \"\(check.check)\"", status: .rejected)
        }
    }
}

/// The text and JSON forms of an `InspectReport`.
struct InspectTree {
    let report: InspectReport

    var textLines: [String] {
        var lines = ["\(report.isArchive ? "tarball" : "layout") \(report.source)"]
        for image in report.images {
            let name = [image.tag, image.descriptor.annotation(AnnotationKey.imageName)].compactMap { $0 }.joined(separator: " ")
            lines.append("image \(name.isEmpty ? "(untagged)" : name) \(image.digest) \(image.descriptor.mediaType)")
            var children: [String] = []
            if MediaType.isIndex(image.descriptor.mediaType) || image.platforms.contains(where: { $0.platform != nil }) {
                children += image.platforms.map { "platform \($0.platform?.description ?? "unknown") \($0.descriptor.digest)" }
            }
            children += image.attachments.map { describe($0, of: image) }
            children += verdicts(for: image).map { "verdict \"\($0.check)\": \($0.passed ? "passed" : "FAILED") (\($0.reason))" }
            for (index, child) in children.enumerated() {
                lines.append("\(index == children.count - 1 ? "└──" : "├──") \(child)")
            }
        }
        if !report.trustMaterial.isEmpty {
            lines.append("trust material (used only when named at unpack)")
            for (index, path) in report.trustMaterial.enumerated() {
                lines.append("\(index == report.trustMaterial.count - 1 ? "└──" : "├──") \(path)")
            }
        }
        for entry in report.unattached {
            lines.append("unattached \(entry.name) \(entry.descriptor.mediaType): \(entry.reason)")
        }
        if report.images.isEmpty { lines.append("(no images)") }
        return lines
    }

    private func describe(_ attachment: Attachment, of image: ImageEntry) -> String {
        var parts = ["\(attachment.kind.rawValue) \(attachment.descriptor.digest)"]
        if let tag = attachment.descriptor.refName { parts.append("tag \(tag)") }
        if let type = attachment.artifactType { parts.append(type) }
        parts.append("\(attachment.layerCount) layer\(attachment.layerCount == 1 ? "" : "s")")
        parts += attachment.predicateTypes.map { "predicate \($0)" }
        if attachment.subject != image.digest { parts.append("on \(attachment.subject)") }
        if !attachment.isListedInIndex { parts.append("(blob only)") }
        return parts.joined(separator: ", ")
    }

    private func verdicts(for image: ImageEntry) -> [(check: String, passed: Bool, reason: String)] {
        report.reports.flatMap { report in
            report.verdicts.filter { $0.image == image.digest && $0.tag == image.tag }.map { (report.check, $0.passed, $0.reason) }
        }
    }

    func json() throws -> String {
        let document = Document(
            source: report.source, kind: report.isArchive ? "tarball" : "layout", stoppedBeforeContent: report.stoppedBeforeContent,
            images: report.images.map { image in
                Document.Image(
                    digest: image.digest.description, mediaType: image.descriptor.mediaType, tag: image.tag,
                    imageName: image.descriptor.annotation(AnnotationKey.imageName),
                    platforms: image.platforms.map { .init(platform: $0.platform?.description, digest: $0.descriptor.digest.description) },
                    attachments: image.attachments.map {
                        .init(kind: $0.kind.rawValue, subject: $0.subject.description, digest: $0.descriptor.digest.description,
                              mediaType: $0.descriptor.mediaType, artifactType: $0.artifactType, predicateTypes: $0.predicateTypes,
                              layers: $0.layerCount, tag: $0.descriptor.refName, listedInIndex: $0.isListedInIndex)
                    },
                    verdicts: verdicts(for: image).map { .init(check: $0.check, passed: $0.passed, reason: $0.reason) })
            },
            unattached: report.unattached.map {
                .init(digest: $0.descriptor.digest.description, mediaType: $0.descriptor.mediaType, tag: $0.descriptor.refName, reason: $0.reason)
            },
            trustMaterial: report.trustMaterial)
        return try OutputOptions.json(document)
    }

    private struct Document: Encodable {
        struct Platform: Encodable { let platform: String?; let digest: String }
        struct AttachmentRecord: Encodable {
            let kind: String, subject: String, digest: String, mediaType: String
            let artifactType: String?
            let predicateTypes: [String]
            let layers: Int
            let tag: String?
            let listedInIndex: Bool
        }
        struct Verdict: Encodable { let check: String; let passed: Bool; let reason: String }
        struct Unattached: Encodable { let digest: String, mediaType: String, tag: String?, reason: String }
        struct Image: Encodable {
            let digest: String, mediaType: String
            let tag: String?, imageName: String?
            let platforms: [Platform]
            let attachments: [AttachmentRecord]
            let verdicts: [Verdict]
        }

        let source: String
        let kind: String
        let stoppedBeforeContent: Bool
        let images: [Image]
        let unattached: [Unattached]
        let trustMaterial: [String]
    }
}
