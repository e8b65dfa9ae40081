import Fluent
import Foundation
import KefuDomain
import Vapor

/// The customer pages (客户): list and search, new file, the file with its timeline, edit, reveal,
/// communications, reassignment.
struct CustomersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewCustomers).get(.customers, use: list)
        routes.requiring(.createCustomer).get(.newCustomer, use: newForm)
        routes.requiring(.createCustomer).post(.customers, use: create)
        routes.requiring(.reassignCustomers).post(.customerReassign, use: reassign)
        routes.requiring(.exportCustomers).get(.customersExportCSV, use: export)
        routes.requiring(.viewCustomers).get(.customer, use: show)
        routes.requiring(.editCustomer).get(.customerEdit, use: editForm)
        routes.requiring(.editCustomer).post(.customer, use: update)
        routes.requiring(.revealCustomerContact).post(.customerReveal, use: reveal)
        routes.requiring(.recordCommunication).post(.customerCommunications, use: recordCommunication)
        routes.requiring(.createCustomer).get(.customerDuplicateCheck, use: duplicateCheck)
        routes.requiring(.viewCustomers).post(.customerSavedFilters, use: saveFilter)
        routes.requiring(.viewCustomers).post(.customerSavedFilterDelete, use: deleteFilter)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req, filter: req.customerFilter)
    }

    /// The list, or the list again with a refused action's messages and what was typed (422).
    func renderList(
        _ req: Request, filter: CustomerFilter, errors: [String: String] = [:], reason: String = "",
        saveName: String = "",
        checked: Set<Int> = [], target: Int? = nil
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let paging = try req.paging
        let (rows, total) = try await CustomerQueries(database: req.db).list(
            filter, visibleTo: staff.actor, paging: paging, now: req.now)
        let specialists = try await req.application.assigneeDirectory.assignees(on: req.db)
        let viewer = req.viewer
        var page = CustomerListPage(
            viewer: viewer, staff: staff, filter: filter, rows: rows, total: total, paging: paging,
            specialists: specialists, checked: checked, target: target)
        page.extras = CustomerListExtras(
            viewer: viewer, filter: filter, total: total, canReassign: page.canReassign,
            savedFilters: try await SavedFilterStore(database: req.db).list(staffID: staff.id),
            csrf: req.csrfToken ?? "",
            errors: errors, reason: reason, saveName: saveName)
        return try await req.renderPage(
            "customers/index", titleKey: "customers.title", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The intake page's check as the mobile is typed (issue 10, one-screen intake): the same check as
    /// `GET /api/v1/customers/duplicates` — limited per person and audited — answered as JSON to the page's script.
    @Sendable func duplicateCheck(req: Request) async throws -> [DuplicateMatch] {
        try await CustomersAPIController().duplicates(req: req)
    }

    /// 保存筛选: the list's filter under a name of the person's choosing.
    @Sendable func saveFilter(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let filter = CustomerFilter(parameters: QueryParameters(req.body.string), staffID: staff.id)
        let name = ((try? req.content.get(String.self, at: "filterName")) ?? "")
        do {
            _ = try await SavedFilterStore(database: req.db).save(
                name: name, filter: filter, staffID: staff.id, context: req.auditContext)
            return req.redirect(
                to: SiteURL.customers.path + "?" + filter.queryString,
                flash: FlashMessage(.success, "flash.saved_filter_saved"))
        } catch let errors as FieldErrors {
            return try await renderList(
                req, filter: filter,
                errors: Dictionary(uniqueKeysWithValues: errors.messages.map { ("filter_" + $0.key, $0.value) }),
                saveName: name)
        }
    }

    @Sendable func deleteFilter(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("filterID", as: Int.self),
            try await SavedFilterStore(database: req.db).delete(id, staffID: staff.id, context: req.auditContext)
        else {
            throw Abort(.notFound)
        }
        return req.redirect(to: SiteURL.customers.path, flash: FlashMessage(.success, "flash.saved_filter_deleted"))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try await req.customerExportResponse()
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        var draft = CustomerDraft()
        draft.source = SourceChannel.phone.rawValue
        return try await req.renderPage(
            "customers/form", titleKey: "customers.new", CustomerFormPage(draft: draft, customer: nil))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        // The page posts the same fields as the API.
        let form = try req.content.decode(CustomerInput.self)
        let draft = form.draft()
        var page = CustomerFormPage(draft: draft, customer: nil)
        page.duplicateReason = form.duplicateReason ?? ""
        page.keepFollowUp(form)
        do {
            let values = try CustomerValidation.validate(draft).get()
            let followUp = try await req.followUpPlan(for: form, newStage: values.stage, oldStage: nil, customerID: nil)
            let customer = try await CustomerStore(database: req.db).create(
                values, responsibleStaffID: staff.id, duplicateReason: form.duplicateReason, context: req.auditContext,
                followUp: followUp
            )
            return req.redirect(
                to: SiteURL.customer(try customer.requireID()).path,
                flash: FlashMessage(.success, "flash.customer_created"))
        } catch let errors as FieldErrors {
            page.errors = errors.messages
        } catch let duplicates as PossibleDuplicates {
            page.duplicates = CustomerFormPage.DuplicateView.list(duplicates.matches)
            page.hasDuplicates = true
            // Saved again from the duplicates card without a reason: say so at the field (issue 10 #15).
            if form.duplicateReason != nil {
                page.errors["duplicateReason"] = "validation.customer.duplicate_reason_required"
            }
        }
        return try await req.renderPage(
            "customers/form", titleKey: "customers.new", page,
            status: page.hasDuplicates ? .conflict : .unprocessableEntity)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .viewCustomers)
        return try await req.renderCustomerFile(customer, revealed: false)
    }

    @Sendable func reveal(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .viewCustomers)
        let reason = ((try? req.content.get(String.self, at: "reason")) ?? "").trimmed
        guard reason.count >= 2 else {
            return try await req.renderCustomerFile(
                customer, revealed: false, errors: ["reason": "validation.customer.reveal_reason"],
                status: .unprocessableEntity)
        }
        try await req.authorize(
            .revealCustomerContact, on: customer.recordFacts, recordType: "customer",
            recordID: String(try customer.requireID()))
        try await req.recordReveal(of: customer, reason: reason)
        return try await req.renderCustomerFile(customer, revealed: true)
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .editCustomer)
        return try await req.renderPage(
            "customers/form", titleKey: "customers.edit", CustomerFormPage(draft: customer.draft, customer: customer))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .editCustomer)
        // The page posts the same fields as the API.
        let form = try req.content.decode(CustomerInput.self)
        let draft = form.draft()
        var page = CustomerFormPage(draft: draft, customer: customer)
        page.version = form.version ?? customer.version
        page.duplicateReason = form.duplicateReason ?? ""
        page.keepFollowUp(form)
        do {
            let values = try CustomerValidation.validate(draft, currentStage: CustomerStage(rawValue: customer.stage))
                .get()
            let followUp = try await req.followUpPlan(
                for: form, newStage: values.stage, oldStage: CustomerStage(rawValue: customer.stage),
                customerID: customer.id)
            try await CustomerStore(database: req.db).update(
                customer, with: values, version: try requireFormVersion(form.version),
                duplicateReason: form.duplicateReason, context: req.auditContext, followUp: followUp
            )
            return req.redirect(
                to: SiteURL.customer(try customer.requireID()).path, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            page.errors = errors.messages
        } catch let duplicates as PossibleDuplicates {
            page.duplicates = CustomerFormPage.DuplicateView.list(duplicates.matches)
            page.hasDuplicates = true
            // Saved again from the duplicates card without a reason: say so at the field (issue 10 #15).
            if form.duplicateReason != nil {
                page.errors["duplicateReason"] = "validation.customer.duplicate_reason_required"
            }
        } catch let conflict as RecordConflict {
            // What was changed since the form was read, and the form as typed on the current version:
            // sending it again is the person's knowing choice (S6).
            let current = try await CustomerModel.find(conflict.recordID, on: req.db) ?? customer
            page.version = current.version
            page.formErrorKey = conflict.messageKey
            page.conflict = try await req.customerConflictView(conflict, customer: current)
            return try await req.renderPage("customers/form", titleKey: "customers.edit", page, status: .conflict)
        }
        return try await req.renderPage(
            "customers/form", titleKey: "customers.edit", page,
            status: page.hasDuplicates ? .conflict : .unprocessableEntity)
    }

    @Sendable func recordCommunication(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recordCommunication)
        let form = try req.content.decode(CommunicationForm.self)
        let input = CommunicationRecordDTO(
            channel: form.channel ?? "", direction: form.direction ?? "", occurredAt: nil,
            durationMinutes: form.durationMinutes.flatMap { Int($0.trimmed) },
            summary: form.summary ?? "", content: form.content, nextStep: form.nextStep
        )
        do {
            _ = try await CommunicationStore(database: req.db).create(
                input, customerID: try customer.requireID(), staffID: try req.requireStaff().id,
                context: req.auditContext
            )
            return req.redirect(
                to: SiteURL.customer(try customer.requireID()).path,
                flash: FlashMessage(.success, "flash.communication_recorded"))
        } catch let errors as FieldErrors {
            return try await req.renderCustomerFile(
                customer, revealed: false, errors: errors.messages, communication: form, status: .unprocessableEntity)
        }
    }

    /// 调整负责人 (issue 10, improvement 3): the rows ticked, or every file matching the list's filter; a
    /// reason; back to the same list with its filter, and the receiving person told on the bell.
    @Sendable func reassign(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        // The form carries the list's filter as hidden fields: the list to return to, and "all matching".
        let filter = CustomerFilter(parameters: QueryParameters(req.body.string), staffID: staff.id)
        let back = SiteURL.customers.path + "?" + filter.queryString
        let target = try? req.content.get(Int.self, at: "toStaffID")
        let reason = ((try? req.content.get(String.self, at: "reason")) ?? "").trimmed
        let allMatching = (try? req.content.get(String.self, at: "allMatching")) == "1"
        var ids = ((try? req.content.get([Int].self, at: "customerIDs")) ?? [])
        if allMatching {
            ids = try await CustomerQueries(database: req.db).matchingIDs(
                filter, visibleTo: staff.actor, now: req.now, limit: CustomerStore.maximumReassignment + 1)
        }
        guard !ids.isEmpty, let target, try await StaffStore(database: req.db).isAssignee(target) else {
            return req.redirect(to: back, flash: FlashMessage(.error, "flash.reassign_invalid"))
        }
        // The same limit as the API, refused rather than cut short: taking the first 5,000 silently
        // would leave the rest with the old owner while the page said "reassigned".
        guard ids.count <= CustomerStore.maximumReassignment else {
            return req.redirect(to: back, flash: FlashMessage(.error, "flash.reassign_too_many"))
        }
        guard reason.count >= 2, reason.count <= 200 else {
            return try await renderList(
                req, filter: filter, errors: ["reason": "validation.customer.reassign_reason"], reason: reason,
                checked: allMatching ? [] : Set(ids), target: target)
        }
        _ = try await CustomerStore(database: req.db).reassign(
            ids, to: target, reason: reason, notice: req.reassignmentNotice(to: target), context: req.auditContext)
        return req.redirect(to: back, flash: FlashMessage(.success, "flash.customers_reassigned"))
    }
}

extension Request {
    /// The bell's note for whoever receives files, written in the default language (the bell shows it in the reader's).
    func reassignmentNotice(to staffID: Int) -> ReassignmentNotice {
        let localizer = application.kefu.localizer
        return ReassignmentNotice(
            title: { count in localizer.text("reminder.title.customers.assigned", .zhHans, ["count": String(count)]) },
            link: SiteURL.customers.path(rawQuery: "specialist=\(staffID)"))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}
